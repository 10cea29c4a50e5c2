/** Where a command writes; the real CLI passes stdout/stderr, tests may pass collectors. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/**
 * One `unet-studio <name>` command. Each lives in its own file and is listed in `commands.ts`.
 * `run` parses its own argv (node:util parseArgs) and returns the exit code.
 */
export interface CliCommand {
  name: string;
  /** e.g. `summary <graph.json> [--input CxHxW] [--json]` */
  usage: string;
  description: string;
  /** Option lines for `--help`: [flag, explanation]. */
  options: [string, string][];
  run: (argv: string[], io: Io) => number | Promise<number>;
}

/** Exit codes shared by every command. */
export const EXIT = {
  ok: 0,
  /** The graph has errors (or the command found nothing, e.g. no valid size). */
  problems: 1,
  /** Bad command line, or a file that cannot be read or parsed. */
  usage: 2,
  /** A bug: printed as one line, with the stack only under UNET_STUDIO_DEBUG=1. */
  internal: 70,
} as const;

/** A problem the user can fix, reported as one line without a stack trace. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
  }
}

/** The single positional argument a command requires, or a usage error naming it. */
export function onePositional(positionals: string[], what: string, usage: string): string {
  if (positionals.length === 0) throw new CliError(`missing ${what} (usage: unet-studio ${usage})`);
  if (positionals.length > 1) throw new CliError(`expected one ${what}, got ${positionals.length}: ${positionals.join(' ')}`);
  return positionals[0]!;
}
