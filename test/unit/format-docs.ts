// Hand-built documents for the format and fuzz tests. Not a test file itself.
import { getOp } from '../../src/core/ops';
import { defaultParams } from '../../src/core/params';
import type { GraphDoc, GraphEdge, GraphNode, Params } from '../../src/core/types';

/** A node with every param filled in, as parseGraph returns it. */
export function node(id: string, op: string, params: Params = {}, position = { x: 0, y: 0 }, label?: string): GraphNode {
  const def = getOp(op);
  if (!def) throw new Error(`test document uses op ${op}, which is not registered`);
  return { id, op, params: { ...defaultParams(def.params), ...params }, position, ...(label !== undefined ? { label } : {}) };
}

export const edge = (id: string, source: string, target: string, targetPort = 0): GraphEdge => ({ id, source, target, targetPort });

const doc = (name: string, nodes: GraphNode[], edges: GraphEdge[]): GraphDoc => ({
  format: 'unet-studio/graph',
  version: 2,
  name,
  nodes,
  edges,
});

/**
 * A two-level U-Net (64×64 input, same padding): encoder, pool, bottleneck, up-conv, skip concat, decoder, 1×1 head.
 * Falls back to what the registry has (strided conv down, no up-step) if pooling or up-conv are missing.
 */
export function unetDoc(): GraphDoc {
  const conv = (filters: number, extra: Params = {}) => ({ filters, padding: 'same', activation: 'relu', ...extra });
  const at = (i: number, x = 0) => ({ x: x * 220, y: i * 90 });
  const nodes = [
    node('input', 'input', { channels: 1, height: 64, width: 64 }, at(0)),
    node('enc0_conv1', 'conv2d', conv(8), at(1)),
    node('enc0_conv2', 'conv2d', conv(8), at(2)),
  ];
  const edges = [edge('e1', 'input', 'enc0_conv1'), edge('e2', 'enc0_conv1', 'enc0_conv2')];
  const canResize = getOp('maxPool2d') && getOp('conv2dTranspose');
  if (canResize) {
    nodes.push(
      node('down0', 'maxPool2d', {}, at(3)),
      node('enc1_conv1', 'conv2d', conv(16), at(4, 1)),
      node('enc1_conv2', 'conv2d', conv(16), at(5, 1)),
      node('up0', 'conv2dTranspose', { filters: 8 }, at(6, 1)),
    );
    edges.push(edge('e3', 'enc0_conv2', 'down0'), edge('e4', 'down0', 'enc1_conv1'), edge('e5', 'enc1_conv1', 'enc1_conv2'), edge('e6', 'enc1_conv2', 'up0'));
  } else {
    nodes.push(node('up0', 'conv2d', conv(8), at(3, 1)));
    edges.push(edge('e6', 'enc0_conv2', 'up0'));
  }
  nodes.push(
    node('cat0', 'concat', {}, at(7)),
    node('dec0_conv1', 'conv2d', conv(8), at(8), 'decoder 1'),
    node('dec0_conv2', 'conv2d', conv(8), at(9)),
    node('head', 'conv2d', { filters: 2, kernel: 1 }, at(10)),
    node('output', 'output', { view: 'classes' }, at(11)),
  );
  edges.push(
    edge('e7', 'up0', 'cat0', 0),
    edge('e8', 'enc0_conv2', 'cat0', 1),
    edge('e9', 'cat0', 'dec0_conv1'),
    edge('e10', 'dec0_conv1', 'dec0_conv2'),
    edge('e11', 'dec0_conv2', 'head'),
    edge('e12', 'head', 'output'),
  );
  return { ...doc('two-level U-Net', nodes, edges), description: 'A small U-Net for tests' };
}

/** input → n convs in a row → output: the shape of a large document. */
export function chainDoc(convs: number): GraphDoc {
  const nodes = [node('input', 'input', { channels: 3, height: 32, width: 32 })];
  const edges: GraphEdge[] = [];
  let prev = 'input';
  for (let i = 1; i <= convs; i++) {
    const id = `conv${i}`;
    nodes.push(node(id, 'conv2d', { filters: 4, padding: 'same' }, { x: (i % 100) * 200, y: Math.floor(i / 100) * 120 }));
    edges.push(edge(`e${i}`, prev, id));
    prev = id;
  }
  nodes.push(node('output', 'output', {}, { x: 0, y: -120 }));
  edges.push(edge('e_out', prev, 'output'));
  return doc(`chain of ${convs}`, nodes, edges);
}
