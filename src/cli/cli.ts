import { COMMANDS, findCommand } from './commands';
import { CliError, EXIT, type CliCommand, type Io } from './command';

const PROGRAM = 'unet-studio';

function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `${PROGRAM} — inspect UNet Studio graph files (shapes, params, diagnostics, valid input sizes)`,
    '',
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.description}`),
    '',
    `Run "${PROGRAM} <command> --help" for a command's options.`,
  ].join('\n');
}

function commandHelp(c: CliCommand): string {
  const width = Math.max(0, ...c.options.map(([flag]) => flag.length));
  return [
    `Usage: ${PROGRAM} ${c.usage}`,
    '',
    c.description,
    ...(c.options.length ? ['', 'Options:', ...c.options.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`)] : []),
  ].join('\n');
}

/** Node's parseArgs messages go on with advice about `--`; the first sentence is the useful part. */
const firstSentence = (message: string) => message.split(/\.\s|\n/)[0]!.trim();

const isHelp = (arg: string) => arg === '--help' || arg === '-h';

/** parseArgs reports bad flags as TypeErrors with an ERR_PARSE_ARGS_* code; they are usage errors. */
const isParseArgsError = (err: unknown): err is Error => {
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
};

/** Runs one command line; returns the exit code. Never throws: every failure is one line on stderr. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || isHelp(name) || name === 'help') {
    const topic = name === 'help' && rest[0] ? findCommand(rest[0]) : undefined;
    io.out(topic ? commandHelp(topic) : generalHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = findCommand(name);
  if (!command) {
    io.err(`${PROGRAM}: unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(', ')}; see ${PROGRAM} --help)`);
    return EXIT.usage;
  }
  if (rest.some(isHelp)) {
    io.out(commandHelp(command));
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`${PROGRAM}: ${err.message}`);
      return err.exitCode;
    }
    if (isParseArgsError(err)) {
      io.err(`${PROGRAM} ${name}: ${firstSentence(err.message)} (see ${PROGRAM} ${name} --help)`);
      return EXIT.usage;
    }
    io.err(`${PROGRAM}: internal error: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.UNET_STUDIO_DEBUG) io.err(String((err as Error)?.stack));
    return EXIT.internal;
  }
}
