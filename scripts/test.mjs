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

// Tests that check exports and imports against PyTorch run Debian's /usr/bin/python3 with torch, torchvision,
// onnx and PIL (the exported train.py reads PNGs; the python3 first on PATH may be another interpreter).
// Installed here when root, as chromium is.
const PYTHON = '/usr/bin/python3';
const PYTHON_PACKAGES = ['python3-torch', 'python3-torchvision', 'python3-onnx', 'python3-pil'];

function ensurePythonTorch() {
  const ok = () => spawnSync(PYTHON, ['-c', 'import torch, torchvision, onnx, PIL'], { stdio: 'ignore' }).status === 0;
  if (existsSync(PYTHON) && ok()) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !existsSync('/usr/bin/apt-get'))
    fail(`PyTorch checks need ${PYTHON} with torch, torchvision, onnx and PIL: run \`sudo apt-get install -y ${PYTHON_PACKAGES.join(' ')}\`, then \`npm test\` again.`);
  console.log(`[test] installing ${PYTHON_PACKAGES.join(' ')} for the PyTorch / ONNX checks (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', ...PYTHON_PACKAGES], { stdio: 'inherit', env });
  } catch {
    fail(`Installing ${PYTHON_PACKAGES.join(' ')} with apt-get failed; install them by hand and rerun \`npm test\`.`);
  }
  if (!ok()) fail(`apt-get finished but ${PYTHON} still cannot import torch, torchvision, onnx and PIL.`);
}

// The editor's SVG export is checked by a second renderer (librsvg's rsvg-convert), as Inkscape-class tools read it.
function ensureRsvg() {
  if (existsSync('/usr/bin/rsvg-convert')) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !existsSync('/usr/bin/apt-get'))
    fail('The SVG export check needs rsvg-convert: run `sudo apt-get install -y librsvg2-bin`, then `npm test` again.');
  console.log('[test] installing librsvg2-bin for the SVG export check (apt-get)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'librsvg2-bin'], { stdio: 'inherit', env });
  } catch {
    fail('Installing librsvg2-bin with apt-get failed; install it by hand and rerun `npm test`.');
  }
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
ensurePythonTorch();
if (!unitOnly) {
  process.env.CHROMIUM_PATH = ensureChromium();
  ensureRsvg();
}
const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
