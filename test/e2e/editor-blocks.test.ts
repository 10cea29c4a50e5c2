/**
 * Composite blocks in the editor: the paper template's 9 blocks collapse to boxes that show their in → out shapes
 * and parameters, with the edges between them labelled; expand, group (Ctrl+G), undo/redo, ungroup, "apply to all
 * instances", copy-paste of a block, and the collapsed state restored by a reload.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { sharedBrowser, snapshot } from './browser';
import { canvasNodeIds, clickEmptyCanvas, documentInPage, edgeLabels, openEditor, POLL, selectNode, toastTexts } from './editor-page';

const browser = sharedBrowser();

const PAPER_BLOCKS = ['enc0_block', 'down0_block', 'down1_block', 'down2_block', 'down3_block', 'up3_block', 'up2_block', 'up1_block', 'up0_block'];

/** The collapsed paper U-Net: each edge between blocks, with the tensor it carries. */
const COLLAPSED_LABELS: Record<string, string> = {
  e_input_enc0_conv1: '1×572×572',
  e_enc0_conv2_down0: '64×568×568',
  e_enc0_conv2_crop0: '64×568×568',
  e_enc1_conv2_down1: '128×280×280',
  e_enc1_conv2_crop1: '128×280×280',
  e_enc2_conv2_down2: '256×136×136',
  e_enc2_conv2_crop2: '256×136×136',
  e_enc3_conv2_down3: '512×64×64',
  e_enc3_conv2_crop3: '512×64×64',
  e_enc4_conv2_up3: '1024×28×28',
  e_dec3_conv2_up2: '512×52×52',
  e_dec2_conv2_up1: '256×100×100',
  e_dec1_conv2_up0: '128×196×196',
  e_dec0_conv2_head: '64×388×388',
  e_head_output: '2×388×388',
};

const boxIds = (page: Page) => page.$$eval('[data-testid^="block-"][data-block].block-node', (els) => els.map((el) => (el as HTMLElement).dataset.block!));
const blockText = async (page: Page, id: string) => ({
  shapes: await page.getByTestId(`block-shapes-${id}`).textContent(),
  params: await page.getByTestId(`block-params-${id}`).getAttribute('data-params'),
});
const menu = async (page: Page, item: string) => {
  await page.getByTestId('menu-blocks').click();
  await page.getByTestId(item).click();
};

describe('editor: composite blocks', () => {
  it('collapse all shows 9 boxes with in → out shapes and params, expand one, reload keeps it, copy-paste makes a new instance', async () => {
    const { page, context, problems } = await openEditor(browser());
    // Expanded by default: the 37 nodes, each block framed.
    expect(await canvasNodeIds(page)).toHaveLength(37);
    expect(await page.locator('.block-frame').count()).toBe(9);
    await snapshot(page, 'blocks-expanded');

    await menu(page, 'block-collapse-all');
    await expect.poll(() => boxIds(page), POLL).toEqual(PAPER_BLOCKS);
    expect((await canvasNodeIds(page)).sort()).toEqual(['head', 'input', 'output']);
    expect(await blockText(page, 'enc0_block')).toEqual({ shapes: '1×572×572 → 64×568×568', params: '37568' });
    expect(await blockText(page, 'down0_block')).toEqual({ shapes: '64×568×568 → 128×280×280', params: String(73_856 + 147_584) });
    expect(await blockText(page, 'up0_block')).toEqual({ shapes: '128×196×196, 64×568×568 → 64×388×388', params: String(32_832 + 73_792 + 36_928) });
    await expect.poll(() => edgeLabels(page), POLL).toEqual(COLLAPSED_LABELS);
    await snapshot(page, 'blocks-collapsed');

    // Dragging a box moves the block: one undoable step.
    const up0At = async () => (await documentInPage(page)).blocks!.find((b) => b.id === 'up0_block')!.position;
    const start = await up0At();
    const grip = (await page.getByTestId('block-up0_block').locator('.block-shapes').boundingBox())!;
    await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
    await page.mouse.down();
    await page.mouse.move(grip.x + grip.width / 2 + 80, grip.y + grip.height / 2 + 40, { steps: 8 });
    await page.mouse.up();
    await expect.poll(async () => (await up0At()).x > start.x + 50, POLL).toBe(true);
    await page.keyboard.press('Control+z');
    await expect.poll(up0At, POLL).toEqual(start);

    // Expand one (double-click): its members and inner edges come back.
    await page.getByTestId('block-down1_block').locator('.block-shapes').dblclick();
    await expect.poll(() => boxIds(page), POLL).toEqual(PAPER_BLOCKS.filter((b) => b !== 'down1_block'));
    expect((await canvasNodeIds(page)).sort()).toEqual(['down1', 'enc2_conv1', 'enc2_conv2', 'head', 'input', 'output']);
    await expect.poll(async () => (await edgeLabels(page))['e_down1_enc2_conv1'], POLL).toBe('128×140×140');

    // The collapsed state is in the document: a reload (autosave) restores it.
    await page.waitForTimeout(600);
    await page.reload();
    await expect.poll(() => boxIds(page), POLL).toEqual(PAPER_BLOCKS.filter((b) => b !== 'down1_block'));
    expect((await documentInPage(page)).blocks!.filter((b) => !b.collapsed).map((b) => b.id)).toEqual(['down1_block']);
    await expect.poll(() => page.locator('[data-testid^="edge-label-"]').count(), POLL).toBe(Object.keys(COLLAPSED_LABELS).length + 2); // + down1 → enc2_conv1 → enc2_conv2

    // Clicking a box selects the block (its members); copy-paste makes a second instance, collapsed, with a fresh id.
    await page.getByTestId('block-enc0_block').locator('.block-name').click();
    await expect.poll(() => page.getByTestId('inspector-block').getAttribute('data-block'), POLL).toBe('enc0_block');
    expect((await documentInPage(page)).blocks).toHaveLength(9);
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect.poll(() => toastTexts(page), POLL).toContain('Pasted 2 nodes');
    const blocks = (await documentInPage(page)).blocks!;
    expect(blocks).toHaveLength(10);
    const pasted = blocks[9]!;
    expect(pasted).toMatchObject({ name: 'DoubleConv', collapsed: true });
    expect(pasted.id).not.toBe('enc0_block');
    expect(pasted.nodes).toHaveLength(2);
    await expect.poll(() => boxIds(page), POLL).toContain(pasted.id);
    // The copy is selected: its box shows it.
    await expect.poll(() => page.getByTestId(`block-${pasted.id}`).evaluate((el) => el.classList.contains('selected')), POLL).toBe(true);
    // Delete acts on what the box stands for: its members go, and the block with them.
    await page.keyboard.press('Delete');
    await expect.poll(async () => (await documentInPage(page)).blocks!.length, POLL).toBe(9);
    expect((await documentInPage(page)).nodes).toHaveLength(37);
    await expect.poll(() => page.getByTestId(`block-${pasted.id}`).count(), POLL).toBe(0);
    await context.close();
    expect(problems).toEqual([]);
  });

  it('group with Ctrl+G, undo, redo, ungroup with Ctrl+Shift+G; apply a conv edit to all 4 Down blocks in one step', async () => {
    const { page, context, problems } = await openEditor(browser());
    await selectNode(page, 'head');
    await page.getByTestId('node-output').click({ modifiers: ['Shift'] });
    await page.keyboard.press('Control+g');
    await expect.poll(() => page.getByTestId('group-name').inputValue(), POLL).toBe('Block');
    await page.getByTestId('group-name').fill('Head');
    await page.getByTestId('group-name').press('Enter');
    const headBlock = async () => (await documentInPage(page)).blocks?.find((b) => b.name === 'Head');
    await expect.poll(headBlock, POLL).toMatchObject({ nodes: ['head', 'output'], collapsed: false });
    const id = (await headBlock())!.id;
    await expect.poll(() => page.getByTestId(`block-frame-${id}`).count(), POLL).toBe(1);

    await page.keyboard.press('Control+z');
    await expect.poll(headBlock, POLL).toBeUndefined();
    await expect.poll(() => page.getByTestId(`block-frame-${id}`).count(), POLL).toBe(0);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(headBlock, POLL).toMatchObject({ id, nodes: ['head', 'output'] });

    // Ungroup acts on the blocks the selection touches: one member is enough.
    await clickEmptyCanvas(page);
    await selectNode(page, 'head');
    await page.keyboard.press('Control+Shift+g');
    await expect.poll(headBlock, POLL).toBeUndefined();
    expect((await documentInPage(page)).blocks).toHaveLength(9);

    // The right-click menu: collapse the block under the pointer; undo expands it again.
    await page.getByTestId('node-enc1_conv1').click({ button: 'right' });
    const toggle = page.getByTestId('ctx-toggle');
    expect(await toggle.locator('.menu-item-label').textContent()).toBe('Collapse Down');
    await toggle.click();
    await expect.poll(() => page.getByTestId('block-down0_block').count(), POLL).toBe(1);
    expect(await page.getByTestId('node-menu').count()).toBe(0);
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('node-enc1_conv1').count(), POLL).toBe(1);

    // Apply to all instances: the first conv of every Down.
    const downConvs = ['enc1_conv1', 'enc2_conv1', 'enc3_conv1', 'enc4_conv1'];
    const filters = async () => {
      const doc = await documentInPage(page);
      return downConvs.map((c) => doc.nodes.find((n) => n.id === c)!.params.filters);
    };
    expect(await filters()).toEqual([128, 256, 512, 1024]);
    await selectNode(page, 'enc2_conv1');
    await page.getByTestId('param-filters').fill('96');
    await page.getByTestId('param-filters').press('Enter');
    await expect.poll(filters, POLL).toEqual([128, 96, 512, 1024]);
    const apply = page.getByTestId('apply-all-button');
    expect(await apply.textContent()).toBe('Apply to all 4 instances of Down');
    await apply.click();
    await expect.poll(filters, POLL).toEqual([96, 96, 96, 96]);
    await expect.poll(() => page.getByTestId('apply-all').count(), POLL).toBe(0);
    await page.getByTestId('undo').click();
    await expect.poll(filters, POLL).toEqual([128, 96, 512, 1024]);
    await page.getByTestId('redo').click();
    await expect.poll(filters, POLL).toEqual([96, 96, 96, 96]);
    await context.close();
    expect(problems).toEqual([]);
  });
});
