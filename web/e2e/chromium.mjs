// What the end-to-end tests share: Debian's Chromium driven by playwright-core, and screenshots
// of a page at a phone's and a desktop's width into web/test-results/screenshots/.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const WEB_ROOT = fileURLToPath(new URL('../dist', import.meta.url));
const SHOTS = fileURLToPath(new URL('../test-results/screenshots', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium() {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

// Screenshots the whole page at 390 and 1280 px as `name`-<width>.png, then goes back to 1280.
export async function screenshots(page, name) {
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    // Charts re-layout on resize (ResizeObserver) before they paint again.
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

// Screenshots what the viewport shows now as `name`.png.
export async function screenshot(page, name) {
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}
