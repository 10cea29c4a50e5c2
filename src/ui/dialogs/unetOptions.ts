// The builder's public surface the dialog uses, in one place.
export {
  buildUNet,
  checkUNetOptions,
  DEFAULT_UNET_OPTIONS,
  UNET_OPTION_FIELDS,
  UNET_OPTION_LABELS,
  UNET_VARIANTS,
  type UNetOptionsInput,
} from '../../core/builder';
export { flatten as flattenOptions, unflatten as unflattenOptions } from '../../core/builder/options';
