import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';

/** Headless flags that give WebGL2 through SwiftShader and a WebGPU fallback adapter, with no network chatter. */
export const CHROMIUM_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--use-gl=angle',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export const chromiumPath = () => process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath))
    throw new Error(`Chromium not found at ${executablePath}: run \`npm test\` (it installs it) or set CHROMIUM_PATH.`);
  // playwright gives every launch a fresh temporary --user-data-dir.
  return chromium.launch({ executablePath, args: CHROMIUM_FLAGS, headless: true });
}

export const appUrl = (): string => inject('appUrl');

/** Opens the app in a fresh context (empty storage) and collects page errors so tests can assert there are none. */
export async function openApp(browser: Browser, query = ''): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(appUrl() + query);
  return { page, errors };
}

const ARTIFACTS = 'test-results/screenshots';

/** Saves a screenshot as a test artifact (test-results/ is not committed). */
export async function snapshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png` });
}

/** One browser for all tests of a file: launched before the first, closed after the last. */
export function sharedBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the shared browser is not running (use it inside a test)');
    return browser;
  };
}
