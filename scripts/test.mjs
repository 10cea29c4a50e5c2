#!/usr/bin/env node
// `npm test`: everything, browser tests included. Browser tests need Debian's Chromium; like
// `playwright install --with-deps`, this provides it when it can (root + apt) and otherwise stops with one line.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromiumPath } from './chromium-path.mjs';

function ensureChromium() {
  const path = chromiumPath();
  if (existsSync(path)) return path;
  if (process.env.CHROMIUM_PATH) fail(`CHROMIUM_PATH=${path} does not exist.`);
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !existsSync('/usr/bin/apt-get'))
    fail('Browser tests need Chromium: run `sudo apt-get install -y chromium` (or set CHROMIUM_PATH), then `npm test` again.');
  console.log('[test] installing Debian chromium for the browser tests (apt-get install -y chromium)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
  } catch {
    fail('Installing chromium with apt-get failed; install it by hand (`apt-get install -y chromium`) and rerun `npm test`.');
  }
  if (!existsSync(path)) fail(`apt-get installed chromium but ${path} is missing; set CHROMIUM_PATH.`);
  return path;
}

function fail(message) {
  console.error(`[test] ${message}`);
  process.exit(1);
}

const args = process.argv.slice(2);
// Types first: a type error fails the run as surely as a failing test. `--no-typecheck` skips it for quick loops.
if (!args.includes('--no-typecheck')) {
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit'], { stdio: 'inherit' });
  if (tsc.status !== 0) fail('type check failed (npx tsc --noEmit)');
  console.log('[test] type check passed');
} else args.splice(args.indexOf('--no-typecheck'), 1);
const unitOnly = args.includes('--project=unit') || (args.includes('--project') && args[args.indexOf('--project') + 1] === 'unit');
if (!unitOnly) process.env.CHROMIUM_PATH = ensureChromium();
const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
