/**
 * Shapes on the canvas as a person edits: the paper U-Net's labels, a padding change flowing downstream, an input
 * size the network cannot take (and the solver's way out), and undo/redo by keyboard and toolbar.
 */
import { describe, expect, it } from 'vitest';
import { sharedBrowser, snapshot } from './browser';
import {
  clickEmptyCanvas,
  edgeLabels,
  expectLabels,
  hoverCardText,
  inspectorProblems,
  labelsOf,
  nodeDiagnostics,
  openEditor,
  POLL,
  selectNode,
  statusText,
} from './editor-page';
import { PAPER_LABELS, PAPER_MAIN_EDGES, PAPER_MAIN_PATH } from './editor-paper';

const browser = sharedBrowser();

/** The first conv with "same" padding: 572 stays 572, so every level above the third pool shifts by 2 or 1. */
const SAME_FIRST_CONV: Record<string, string> = {
  ...PAPER_LABELS,
  e_enc0_conv1_enc0_conv2: '64×572×572',
  e_enc0_conv2_down0: '64×570×570',
  e_enc0_conv2_crop0: '64×570×570',
  e_down0_enc1_conv1: '64×285×285',
  e_enc1_conv1_enc1_conv2: '128×283×283',
  e_enc1_conv2_down1: '128×281×281',
  e_enc1_conv2_crop1: '128×281×281',
  // The odd 281 is floored by the pool, and from here on the network is the paper's again.
  e_down1_enc2_conv1: '128×140×140',
};

describe('editor: shapes on the canvas', () => {
  it('opens with the classic U-Net, every edge labelled as in the paper', async () => {
    const { page, context, problems } = await openEditor(browser());
    expect(await page.getByTestId('toolbar-doc-name').textContent()).toBe('U-Net (paper, 572×572)');
    expect(await labelsOf(page, PAPER_MAIN_EDGES)).toEqual(PAPER_MAIN_PATH.map(([, label]) => label));
    expect(await edgeLabels(page)).toEqual(PAPER_LABELS);
    expect(await page.locator('[data-testid^="edge-label-"][data-error="true"]').count()).toBe(0);
    expect(await statusText(page)).toBe('All shapes check out');
    // The layer table starts folded (the canvas gets the room); its tab opens it.
    expect(await page.getByTestId('size-trace').count()).toBe(0);
    await page.getByTestId('tab-layers').click();
    expect(await page.getByTestId('size-trace').textContent()).toBe(
      '572 → 570 → 568 → 284 → 282 → 280 → 140 → 138 → 136 → 68 → 66 → 64 → 32 → 30 → 28 → 56 → 54 → 52 → 104 → 102 → 100 → 200 → 198 → 196 → 392 → 390 → 388',
    );
    expect(await page.getByTestId('total-params').textContent()).toBe('31,030,658');
    await snapshot(page, 'editor-paper-572');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('padding "same" on the first conv updates the labels downstream, warns at the odd pool, and undo/redo restore them exactly', async () => {
    const { page, context, problems } = await openEditor(browser());
    await selectNode(page, 'enc0_conv1');
    expect(await page.getByTestId('inspector-shape').textContent()).toBe('64×570×570');
    await page.getByTestId('param-padding').selectOption('same');
    await expectLabels(page, SAME_FIRST_CONV);
    expect(await edgeLabels(page)).toEqual(SAME_FIRST_CONV);
    expect(await page.getByTestId('inspector-shape').textContent()).toBe('64×572×572');
    expect(await page.getByTestId('node-summary-enc0_conv1').textContent()).toContain('same');

    // What the core reports, as shown on the nodes: the second pool now drops a row and a column.
    const pool = await nodeDiagnostics(page, 'down1');
    expect(pool).toEqual({
      severity: 'warning',
      messages: ['maxPool2d: 281×281 is odd — a 2×2/2 pool drops the last row and the last column'],
    });
    expect(await hoverCardText(page, 'down1')).toBe(pool.messages[0]);
    expect(await nodeDiagnostics(page, 'input')).toEqual({
      severity: 'warning',
      messages: ['input 572×572: 1 layer sees an odd size or mismatch — nearest valid sizes: 570, 586'],
    });
    expect(await page.getByTestId('node-shape-down1').textContent()).toBe('128×140×140');
    expect(await statusText(page)).toBe('2 warnings');
    // The concats still line up: the crops absorb the change, so no concat error.
    expect((await nodeDiagnostics(page, 'cat0')).severity).toBe('ok');
    expect((await nodeDiagnostics(page, 'cat1')).severity).toBe('ok');
    await selectNode(page, 'down1');
    expect(await inspectorProblems(page)).toEqual(pool.messages);
    expect(await page.locator('[data-testid="inspector-diagnostics"] .fix-btn').allTextContents()).toEqual([
      'Use "same" padding (output 141×141)',
      'Set input to 570×570',
    ]);
    await snapshot(page, 'editor-same-padding');

    // Undo/redo from the keyboard (focus on the canvas, not in a field) and from the toolbar.
    await clickEmptyCanvas(page);
    await page.keyboard.press('Control+z');
    await expectLabels(page, PAPER_LABELS);
    expect(await edgeLabels(page)).toEqual(PAPER_LABELS);
    expect((await nodeDiagnostics(page, 'down1')).severity).toBe('ok');
    await page.keyboard.press('Control+Shift+z');
    await expectLabels(page, SAME_FIRST_CONV);
    await page.keyboard.press('Control+z');
    await expectLabels(page, PAPER_LABELS);
    await page.keyboard.press('Control+y');
    await expectLabels(page, SAME_FIRST_CONV);
    expect(await edgeLabels(page)).toEqual(SAME_FIRST_CONV);
    await page.getByTestId('undo').click();
    await expectLabels(page, PAPER_LABELS);
    expect(await statusText(page)).toBe('All shapes check out');
    await page.getByTestId('redo').click();
    await expectLabels(page, SAME_FIRST_CONV);
    await page.getByTestId('undo').click();
    await expectLabels(page, PAPER_LABELS);
    expect(await edgeLabels(page)).toEqual(PAPER_LABELS);
    // The inspector follows the undone document.
    await selectNode(page, 'enc0_conv1');
    expect(await page.getByTestId('param-padding').inputValue()).toBe('valid');
    // Everything done was undone: nothing left to undo.
    await expect.poll(() => page.getByTestId('undo').isDisabled(), POLL).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('an input of 570 warns on the node and in the inspector, offers the nearest valid sizes, and applying one clears it', async () => {
    const { page, context, problems } = await openEditor(browser());
    await selectNode(page, 'input');
    await expect.poll(() => page.getByTestId('solver-valid').textContent(), POLL).toContain('572 is valid');
    await page.getByTestId('param-height').fill('570');
    await page.getByTestId('param-width').fill('570');
    await page.getByTestId('param-width').press('Enter');
    await expectLabels(page, {
      e_input_enc0_conv1: '1×570×570',
      e_enc0_conv2_down0: '64×566×566',
      e_enc1_conv2_down1: '128×279×279',
      e_down1_enc2_conv1: '128×139×139',
      e_head_output: '2×372×372',
    });

    const warning = 'input 570×570: 3 layers see an odd size or mismatch — nearest valid sizes: 572, 556';
    expect(await nodeDiagnostics(page, 'input')).toEqual({ severity: 'warning', messages: [warning] });
    expect(await hoverCardText(page, 'input')).toBe(warning);
    for (const [pool, size] of [['down1', 279], ['down2', 135], ['down3', 63]] as const)
      expect(await nodeDiagnostics(page, pool)).toEqual({
        severity: 'warning',
        messages: [`maxPool2d: ${size}×${size} is odd — a 2×2/2 pool drops the last row and the last column`],
      });
    expect(await inspectorProblems(page)).toEqual([warning]);
    expect(await page.getByTestId('solver-invalid').textContent()).toBe('570 is not valid — nearest:572/556');
    expect(await statusText(page)).toBe('4 warnings');
    await snapshot(page, 'editor-input-570');

    await page.getByTestId('solver-suggestion-556x556').click();
    await expectLabels(page, { e_input_enc0_conv1: '1×556×556', e_enc3_conv2_down3: '512×62×62', e_down3_enc4_conv1: '512×31×31', e_head_output: '2×372×372' });
    await expect.poll(() => page.getByTestId('solver-valid').textContent(), POLL).toContain('556 is valid');
    expect(await page.getByTestId('param-height').inputValue()).toBe('556');
    expect(await page.getByTestId('param-width').inputValue()).toBe('556');
    for (const id of ['input', 'down1', 'down2', 'down3']) expect((await nodeDiagnostics(page, id)).severity).toBe('ok');
    expect(await page.getByTestId('inspector-diagnostics').count()).toBe(0);
    expect(await statusText(page)).toBe('All shapes check out');

    // Back to 570, and this time the inspector's own fix button takes it to 572: exactly the paper again.
    await clickEmptyCanvas(page);
    await page.keyboard.press('Control+z');
    await expectLabels(page, { e_input_enc0_conv1: '1×570×570' });
    await selectNode(page, 'input');
    await page.locator('[data-testid="inspector-diagnostics"] .fix-btn', { hasText: 'Set input to 572×572' }).click();
    await expectLabels(page, PAPER_LABELS);
    expect(await edgeLabels(page)).toEqual(PAPER_LABELS);
    expect(await page.getByTestId('inspector-diagnostics').count()).toBe(0);
    expect((await nodeDiagnostics(page, 'input')).severity).toBe('ok');
    expect(problems).toEqual([]);
    await context.close();
  });
});
