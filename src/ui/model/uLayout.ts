// The U reading of a graph lives in core (the importers arrange opened models with it too).
export { inferUSlots, layoutAsU } from '../../core/builder/uSlots';
