import { runCli } from './cli';
import type { Io } from './command';

// A reader that stops early (`| head`) closes the pipe; that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });

const stdio: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

process.exitCode = await runCli(process.argv.slice(2), stdio);
