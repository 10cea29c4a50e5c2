/** A model that cannot be written in the asked format; names the graph node and what it cannot take. */
export class ExportError extends Error {
  override name = 'ExportError';
  constructor(
    readonly nodeId: string,
    detail: string,
  ) {
    super(`${nodeId}: ${detail}`);
  }
}
