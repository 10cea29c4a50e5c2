/**
 * The versioned JSON file format of UNet Studio: reading (validation with specific, located errors, safe against
 * hostile input), writing (stable, pretty, optionally annotated with inferred shapes) and the JSON Schema.
 */
export { parseGraph, type ParseOptions, type ParseResult } from './format/parse';
export { decodeGraphBytes, type DecodeResult } from './format/decode';
export { serializeGraph, prettyJson, type SerializeOptions } from './format/serialize';
export { getGraphSchema, graphJsonSchema, graphJsonSchemaText, paramsSchemaFor } from './format/schema';
export { formatPath, renderFormatError, renderFormatErrors, summarizeFormatErrors, type FormatError, type FormatErrorCode } from './format/errors';
export { FORMAT_LIMITS, FORBIDDEN_KEYS } from './format/limits';
