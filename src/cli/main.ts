import { runCli } from './cli';
import type { Io } from './command';

const stdio: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

process.exitCode = await runCli(process.argv.slice(2), stdio);
