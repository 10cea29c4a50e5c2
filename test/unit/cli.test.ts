import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => `test/fixtures/cli/${name}`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real launcher, as `npx unet-studio` does, from the repository root. */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/unet-studio.js', ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

const oneLine = (r: Run) => {
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(r.stderr).toMatch(/^unet-studio/);
};

describe('unet-studio summary', () => {
  it('prints the paper U-Net: table, 31,030,658 params, the 572→…→388 trace, exit 0', async () => {
    const r = await cli('summary', 'templates/paper-572.json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines.some((l) => /^Node\s+Op\s+Output shape\s+Params\s+Mult-adds\s+Memory$/.test(l))).toBe(true);
    expect(lines.find((l) => l.startsWith('enc0_conv1 '))).toMatch(/conv2d\s+64×570×570\s+640\s+187,142,400\s+79\.32 MiB$/);
    expect(lines.find((l) => l.startsWith('up3 '))).toMatch(/conv2dTranspose\s+512×56×56\s+2,097,664/);
    expect(r.stdout).toMatch(/^Total params:\s+31,030,658$/m);
    expect(r.stdout).toMatch(/^Trainable params:\s+31,030,658$/m);
    expect(r.stdout).toMatch(/^Total mult-adds:\s+150\.43 G/m);
    expect(r.stdout).toContain('Size trace: 572→570→568→284→282→280→140→138→136→68→66→64→32→30→28→56→54→52→104→102→100→200→198→196→392→390→388');
    expect(r.stdout).toContain('No problems.');
    // Its composite blocks, with the shapes crossing each one's boundary.
    expect(r.stdout).toContain('Blocks (9):');
    expect(lines.find((l) => l.startsWith('enc0_block '))).toMatch(/^enc0_block\s+DoubleConv\s+2\s+1×572×572 → 64×568×568\s+37,568$/);
    expect(lines.find((l) => l.startsWith('up0_block '))).toMatch(/^up0_block\s+Up\s+5\s+128×196×196, 64×568×568 → 64×388×388\s+143,552$/);
  });

  it('--json lists the blocks', async () => {
    const r = await cli('summary', 'templates/paper-572.json', '--json');
    const blocks = JSON.parse(r.stdout).blocks;
    expect(blocks.map((b: { name: string }) => b.name)).toEqual(['DoubleConv', 'Down', 'Down', 'Down', 'Down', 'Up', 'Up', 'Up', 'Up']);
    expect(blocks[1]).toEqual({
      id: 'down0_block',
      name: 'Down',
      nodes: ['down0', 'enc1_conv1', 'enc1_conv2'],
      inputs: [{ from: 'enc0_conv2', shape: { c: 64, h: 568, w: 568 } }],
      outputs: [{ node: 'enc1_conv2', shape: { c: 128, h: 280, w: 280 } }],
      params: 221_440,
      complete: true,
    });
  });

  it('--input re-analyzes at another size and lists every diagnostic with its fixes', async () => {
    const r = await cli('summary', fixture('paper-572.json'), '--input', '1x570x570');
    expect(r.code).toBe(0); // warnings only
    expect(r.stdout).toContain('input 1×570×570');
    expect(r.stdout).toContain('0 errors, 4 warnings:');
    expect(r.stdout).toMatch(/warning\s+input: input 570×570: 3 layers see an odd size or mismatch — nearest valid sizes: 572, 556 {2}\[input-size\]/);
    expect(r.stdout).toMatch(/warning\s+down1: .*\[odd-pool\]\n\s+fix: Use "same" padding.*\n\s+fix: Set input to 572×572/);
  });

  it('exits 1 on errors and --json carries the same analysis', async () => {
    const r = await cli('summary', fixture('two-branch-odd.json'), '--json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.errorCount).toBe(1);
    expect(json.diagnostics[0]).toMatchObject({ severity: 'error', code: 'concat-mismatch', nodeId: 'join' });
    expect(json.rows.map((row: { id: string }) => row.id)).toEqual(['input', 'stem', 'left', 'right', 'join', 'head', 'output']);
    expect(json.totals.params.total).toBe(248);
  });
});

describe('unet-studio validate and sizes', () => {
  it('validate: errors with node ids, exit 1; a clean graph exits 0', async () => {
    const bad = await cli('validate', fixture('two-branch-odd.json'));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^test\/fixtures\/cli\/two-branch-odd\.json: invalid \(7 nodes, 7 edges, input 1×15×15 → output \?\) — 1 error, 1 warning$/m);
    expect(bad.stdout).toMatch(/^error\s+join: concat: input 0 is 8×8, input 1 is 7×7/m);
    const good = await cli('validate', fixture('two-branch.json'));
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('valid (7 nodes, 7 edges, input 1×16×16 → output 2×8×8) — 0 errors, 0 warnings');
  });

  it('sizes: lists valid sizes in the range and says whether the current one is valid', async () => {
    const r = await cli('sizes', fixture('paper-572.json'), '--range', '500..600');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Valid square input sizes in 500..600: 508, 524, 540, 556, 572, 588');
    expect(r.stdout).toContain('Current input 572×572: valid.');
    const none = await cli('sizes', fixture('paper-572.json'), '--range', '100..150');
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('No valid square input size in 100..150.');
  });

  it('sizes and summary: when the --budget runs out, what was found is printed as partial', async () => {
    const r = await cli('sizes', fixture('paper-572.json'), '--range', '1..16384', '--budget', '0');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Partial: the search stopped after 0 ms, having checked no size of 1..16384 (--budget MS to search longer).');
    const json = await cli('sizes', fixture('paper-572.json'), '--range', '1..16384', '--budget', '0', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ complete: false, checkedUpTo: 0, sizes: [] });
    const full = await cli('sizes', fixture('paper-572.json'), '--range', '1..16384', '--json');
    expect(JSON.parse(full.stdout)).toMatchObject({ complete: true, checkedUpTo: 16384 });
    expect(JSON.parse(full.stdout).sizes).toHaveLength(1013);
    const summary = await cli('summary', fixture('paper-572.json'), '--input', '1x570x570', '--budget', '0');
    expect(summary.stdout).toMatch(/warning\s+input: input 570×570: no valid input size found — the search stopped after 0 ms, having looked 0 px each way {2}\[input-size-search\]/);
    const bad = await cli('sizes', fixture('paper-572.json'), '--budget', 'soon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--budget: expected milliseconds as a whole number (e.g. 2000), got "soon"');
  });
});

describe('bad input: one line on stderr, non-zero exit, no stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unet-cli-'));
  const cases: [string, string[], RegExp][] = [
    ['missing file', ['summary', 'no/such.json'], /^unet-studio: cannot read no\/such\.json: no such file$/],
    ['not JSON', ['validate', fixture('not-json.json')], /not-json\.json: invalid JSON/],
    ['invalid graph', ['summary', fixture('invalid.json')], /invalid\.json: nodes\[0\]\.position: missing/],
    ['a directory', ['sizes', 'test'], /cannot read test: it is a directory/],
    ['unknown command', ['frobnicate'], /unknown command "frobnicate"/],
    ['unknown option', ['summary', fixture('two-branch.json'), '--bogus'], /^unet-studio summary: Unknown option '--bogus' \(see unet-studio summary --help\)$/],
    ['bad --input', ['summary', fixture('two-branch.json'), '--input', '1x-3'], /--input: expected CxHxW or HxW/],
    ['bad --range', ['sizes', fixture('two-branch.json'), '--range', '9..3'], /--range: expected 1 ≤ MIN ≤ MAX, got 9\.\.3/],
    ['no file', ['validate'], /missing graph file \(usage: unet-studio validate <graph\.json\|model\.onnx>\)/],
  ];
  it.each(cases)('%s', async (_name, args, message) => {
    const r = await cli(...args.map((a) => a.replace('$TMP', dir)));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    oneLine(r);
    expect(r.stderr.trim()).toMatch(message);
  });

  it('a file the format rejects names the place (wrong format)', async () => {
    const path = join(dir, 'other.json');
    writeFileSync(path, JSON.stringify({ format: 'something-else', nodes: [] }));
    const r = await cli('validate', path);
    expect(r.code).toBe(2);
    oneLine(r);
    expect(r.stderr).toContain('format: expected "unet-studio/graph"');
  });
});

describe('help', () => {
  it('--help lists every command; <command> --help shows its options', async () => {
    const all = await cli('--help');
    expect(all.code).toBe(0);
    for (const name of ['summary', 'validate', 'sizes']) expect(all.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    const one = await cli('summary', '--help');
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('Usage: unet-studio summary <graph.json|model.onnx> [--input CxHxW] [--json]');
    expect(one.stdout).toContain('--input CxHxW');
    const none = await cli();
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('Usage: unet-studio <command>');
  });
});
