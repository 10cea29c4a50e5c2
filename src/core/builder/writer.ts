import type { GraphEdge, GraphNode, Params } from '../types';
import { edgeIdBase } from '../ids';

/**
 * Where a node goes in the U, in terms the layout understands. Within a slot group nodes keep the order
 * in which they were added (the flow order).
 * - encoder `block`: a level's double conv, going down the left column; `down`: the down step under it.
 * - decoder `up`: the up step (and a pad of the decoder tensor), rising into the level from below;
 *   `join`: the concat, level with the skip; `block`: the decoder double conv, going up the right column.
 * - `skip`: a crop on the skip, between the columns.
 */
export type Slot =
  | { region: 'input' | 'bottleneck' | 'head' }
  | { region: 'encoder'; level: number; stage: 'block' | 'down' }
  | { region: 'decoder'; level: number; stage: 'up' | 'join' | 'block' }
  | { region: 'skip'; level: number };

export interface SlottedNode {
  id: string;
  slot: Slot;
}

/** Collects nodes (in execution order) and their edges for the builder. */
export class GraphWriter {
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];
  readonly slots: SlottedNode[] = [];

  /**
   * Adds a node fed by `sources` on ports 0, 1, … and returns its id, so blocks can chain:
   * `x = w.add('enc0_conv1', 'conv2d', {...}, slot, [x])`.
   */
  add(id: string, op: string, params: Params, slot: Slot, sources: string[] = []): string {
    if (this.nodes.some((n) => n.id === id)) throw new Error(`U-Net builder: node id "${id}" used twice`);
    this.nodes.push({ id, op, params, position: { x: 0, y: 0 } });
    this.slots.push({ id, slot });
    sources.forEach((source, port) => this.edges.push({ id: edgeIdBase(source, id), source, target: id, targetPort: port }));
    return id;
  }
}
