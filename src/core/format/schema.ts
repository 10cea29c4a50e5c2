import { z } from 'zod';
import type { OpDef } from '../op';
import { OPS } from '../ops';
import { paramSchema } from '../params';
import { GRAPH_FORMAT, GRAPH_VERSION } from '../types';
import { FORMAT_LIMITS } from './limits';

/** Fields a node or edge may carry in a file. `info` is written by `serializeGraph({shapes: true})` and ignored on import. */
export const NODE_FIELDS = ['id', 'op', 'label', 'params', 'position', 'info'] as const;
export const EDGE_FIELDS = ['id', 'source', 'target', 'targetPort', 'info'] as const;
export const BLOCK_FIELDS = ['id', 'name', 'nodes', 'collapsed', 'position', 'info'] as const;
/** `$schema` lets editors find the JSON Schema; it is accepted and dropped. */
export const DOC_FIELDS = ['$schema', 'format', 'version', 'name', 'description', 'nodes', 'edges', 'blocks', 'info'] as const;

const idSchema = (what: string) =>
  z.string().min(1).max(FORMAT_LIMITS.maxIdLength).describe(`${what} id: unique, 1–${FORMAT_LIMITS.maxIdLength} characters`);

const shapeTuple = z
  .tuple([z.number().int().min(1), z.number().int().min(1), z.number().int().min(1)])
  .nullable()
  .describe('Inferred C×H×W per sample (null: unknown)');

const nodeInfoSchema = z
  .looseObject({ shape: shapeTuple.optional(), parameters: z.number().int().min(0).optional().describe('Trainable + non-trainable parameters') })
  .describe('Information written by UNet Studio (inferred shape, parameter count); ignored on import');

const edgeInfoSchema = z
  .looseObject({ shape: shapeTuple.optional() })
  .describe('Information written by UNet Studio (the shape this edge carries); ignored on import');

export const positionSchema = z
  .object({ x: z.number(), y: z.number() })
  .describe('Where the node sits on the canvas');

/** The params object of one op: every param optional (missing ones take their default), unknown ones refused. */
export function paramsSchemaFor(op: OpDef) {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(op.params)) shape[name] = paramSchema(spec).default(spec.default).describe(spec.help);
  return z.strictObject(shape).prefault({}).describe(`Parameters of ${op.type}; missing ones take their defaults`);
}

function nodeSchemaFor(op: OpDef) {
  return z
    .object({
      id: idSchema('Node'),
      op: z.literal(op.type),
      label: z.string().max(FORMAT_LIMITS.maxLabelLength).optional().describe('Name shown on the canvas instead of the id'),
      params: paramsSchemaFor(op),
      position: positionSchema,
      info: nodeInfoSchema.optional(),
    })
    .meta({ title: op.label, description: op.description });
}

export const edgeSchema = z
  .object({
    id: idSchema('Edge'),
    source: z.string().min(1).max(FORMAT_LIMITS.maxIdLength).describe('Id of the node whose output this edge carries'),
    target: z.string().min(1).max(FORMAT_LIMITS.maxIdLength).describe('Id of the node this edge feeds'),
    targetPort: z.number().int().min(0).describe("Input port of the target (0 first; concat's channel order is port order)"),
    info: edgeInfoSchema.optional(),
  })
  .describe('Feeds the output of `source` into input port `targetPort` of `target`');

const blockInfoSchema = z
  .looseObject({
    inputs: z.array(shapeTuple).optional().describe('Shapes entering the block, one per input'),
    outputs: z.array(shapeTuple).optional().describe('Shapes leaving the block, one per output'),
    parameters: z.number().int().min(0).optional().describe("The members' parameters together"),
  })
  .describe('Information written by UNet Studio (the block\'s input and output shapes, parameter count); ignored on import');

export const blockSchema = z
  .object({
    id: idSchema('Block'),
    name: z
      .string()
      .min(1)
      .max(FORMAT_LIMITS.maxLabelLength)
      .describe('The block type, shared by its instances ("DoubleConv", "Down", "Up"); the class name in PyTorch code'),
    nodes: z
      .array(z.string().min(1).max(FORMAT_LIMITS.maxIdLength))
      .min(1)
      .max(FORMAT_LIMITS.maxNodes)
      .describe('Ids of the member nodes; a node belongs to at most one block'),
    collapsed: z.boolean().default(false).describe('Drawn as one box instead of its members'),
    position: positionSchema.describe('Where the collapsed block sits on the canvas'),
    info: blockInfoSchema.optional(),
  })
  .describe('A composite block: member nodes drawn, edited and exported as one unit. Its ports are the edges crossing its boundary.');

function buildGraphSchema() {
  const nodeSchemas = OPS.map(nodeSchemaFor);
  const node = z.discriminatedUnion('op', nodeSchemas as [(typeof nodeSchemas)[number], ...(typeof nodeSchemas)[number][]]);
  return z
    .object({
      format: z.literal(GRAPH_FORMAT).describe('Always "unet-studio/graph"'),
      version: z.literal(GRAPH_VERSION).describe('Format version; this schema describes version 2'),
      name: z.string().max(FORMAT_LIMITS.maxNameLength),
      description: z.string().max(FORMAT_LIMITS.maxDescriptionLength).optional(),
      nodes: z.array(node).max(FORMAT_LIMITS.maxNodes),
      edges: z.array(edgeSchema).max(FORMAT_LIMITS.maxEdges),
      blocks: z.array(blockSchema).max(FORMAT_LIMITS.maxBlocks).optional().describe('Composite blocks (version 2)'),
    })
    .meta({
      title: 'UNet Studio graph',
      description: 'An encoder–decoder network drawn in UNet Studio: nodes (ops with params) and the edges between them.',
    });
}

let graphSchema: ReturnType<typeof buildGraphSchema> | undefined;

/** The zod schema of a current-version document, built once from the op registry. */
export function getGraphSchema(): ReturnType<typeof buildGraphSchema> {
  graphSchema ??= buildGraphSchema();
  return graphSchema;
}

/** The JSON Schema shipped as public/schema/graph-v2.json, generated from the same zod schema the importer runs. */
export function graphJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(getGraphSchema(), { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  return {
    ...schema,
    // Editors validate against `$schema` when a file names it; the importer drops it.
    properties: { $schema: { type: 'string', description: 'Where editors find this schema; ignored on import' }, ...properties },
  };
}

/** The exact text of public/schema/graph-v2.json. */
export const graphJsonSchemaText = (): string => `${JSON.stringify(graphJsonSchema(), null, 2)}\n`;
