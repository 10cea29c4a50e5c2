/**
 * Nothing lost through the autosave: a full localStorage shows a lasting warning (and the work saves once there is
 * room), an autosave that cannot be restored is kept and offered for download instead of being overwritten, and a
 * graph name stops at the format's limit instead of making a document the reload would drop.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FORMAT_LIMITS } from '../../src/core/format';
import { AUTOSAVE_KEY, KEPT_AUTOSAVE_KEY } from '../../src/state/autosave';
import { sharedBrowser } from './browser';
import { clickEmptyCanvas, documentInPage, expectLabels, openEditor, POLL, selectNode, waitForCanvas } from './editor-page';

const browser = sharedBrowser();

describe('autosave never loses work silently', () => {
  it('a full localStorage: a lasting warning until a save succeeds, then the reload restores the latest edit', async () => {
    const { page, context, problems } = await openEditor(browser());
    // Fill this origin's storage to the last few bytes (what another tab or app on the same origin could do).
    const filled = await page.evaluate(() => {
      let n = 0;
      for (const size of [1 << 20, 1 << 16, 1 << 10, 64, 1]) {
        const chunk = 'x'.repeat(size);
        try {
          for (;;) localStorage.setItem(`filler-${n++}`, chunk);
        } catch {
          // full at this chunk size; try a smaller one
        }
      }
      return n;
    });
    expect(filled).toBeGreaterThan(3);

    await selectNode(page, 'input');
    await page.getByTestId('param-height').fill('556');
    await page.getByTestId('param-width').fill('556');
    await page.getByTestId('param-width').press('Enter');
    await expectLabels(page, { e_input_enc0_conv1: '1×556×556' });
    const warning = page.getByTestId('save-warning');
    await expect.poll(() => warning.count(), POLL).toBe(1);
    expect(await warning.textContent()).toMatch(/storage for this page is full .*Export the graph to keep your work\. Export JSON now$/);
    // It does not fade like a toast.
    await page.waitForTimeout(8000);
    expect(await warning.count()).toBe(1);

    // The export button hands over the work while storage is full.
    const download = page.waitForEvent('download');
    await page.getByTestId('save-warning-export').click();
    const file = await (await download).path();
    expect(JSON.parse(await readFile(file, 'utf8')).nodes[0].params).toMatchObject({ height: 556, width: 556 });

    // Room again: the next change saves and the warning goes.
    await page.evaluate(() => {
      for (const key of Object.keys(localStorage)) if (key.startsWith('filler-')) localStorage.removeItem(key);
    });
    await page.getByTestId('param-height').fill('540');
    await page.getByTestId('param-height').press('Enter');
    await expect.poll(() => warning.count(), POLL).toBe(0);
    await page.reload();
    await waitForCanvas(page);
    expect((await documentInPage(page)).nodes[0]!.params).toMatchObject({ height: 540, width: 556 });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('an autosave that cannot be restored is kept, explained and offered for download; the next save does not overwrite it', async () => {
    const { page, context, problems } = await openEditor(browser());
    const raw = '{"savedAt": 1700000000000, "doc": {"format": "unet-studio/graph", "version": 1, "name": "cut sh';
    await page.evaluate(([key, text]) => localStorage.setItem(key!, text!), [AUTOSAVE_KEY, raw]);
    await page.reload();
    await waitForCanvas(page);
    const notice = page.getByTestId('restore-notice');
    await expect.poll(() => notice.count(), POLL).toBe(1);
    expect(await page.getByTestId('restore-failed').textContent()).toBe('Your last autosave could not be restored: it is not JSON (cut short or overwritten).');

    const download = page.waitForEvent('download');
    await page.getByTestId('restore-download').click();
    expect(await readFile(await (await download).path(), 'utf8')).toBe(raw);

    // Editing saves over the autosave slot, never over the kept entry.
    await selectNode(page, 'input');
    await page.getByTestId('param-height').fill('556');
    await page.getByTestId('param-height').press('Enter');
    await expect.poll(() => page.evaluate((key) => localStorage.getItem(key)?.includes('"height":556') ?? false, AUTOSAVE_KEY), POLL).toBe(true);
    expect(await page.evaluate((key) => localStorage.getItem(key), KEPT_AUTOSAVE_KEY)).toBe(raw);

    // Still offered after a reload, until discarded.
    await page.reload();
    await waitForCanvas(page);
    await expect.poll(() => page.getByTestId('restore-download').count(), POLL).toBe(1);
    await page.getByTestId('restore-discard').click();
    expect(await page.evaluate((key) => localStorage.getItem(key), KEPT_AUTOSAVE_KEY)).toBeNull();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the graph name stops at the limit, so the reload restores it', async () => {
    const { page, context, problems } = await openEditor(browser());
    await clickEmptyCanvas(page);
    const field = page.getByTestId('doc-name');
    await field.fill('n'.repeat(FORMAT_LIMITS.maxNameLength + 1));
    await field.press('Enter');
    await expect.poll(async () => (await documentInPage(page)).name.length, POLL).toBe(FORMAT_LIMITS.maxNameLength);
    await expect.poll(() => page.evaluate((key) => localStorage.getItem(key)?.includes('n'.repeat(200)) ?? false, AUTOSAVE_KEY), POLL).toBe(true);
    await page.reload();
    await waitForCanvas(page);
    expect((await documentInPage(page)).name).toBe('n'.repeat(FORMAT_LIMITS.maxNameLength));
    expect(await page.getByTestId('restore-notice').count()).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });
});
