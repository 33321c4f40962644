/** Screenshots for a person to look at, at a laptop and a phone width; the page must never scroll sideways at either. */
import fs from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';

const ROOT = path.resolve(import.meta.dirname, '..', '..', 'test-results');

/** `test-results/<dir>/<name>-1440.png` and `-390.png`; the viewport goes back to 1280×800. */
export async function screenshotsAt1440And390(page: Page, dir: string, name: string): Promise<void> {
  const out = path.join(ROOT, dir);
  fs.mkdirSync(out, { recursive: true });
  for (const [width, height] of [
    [1440, 900],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: path.join(out, `${name}-${width}.png`), fullPage: true });
    expect(
      await page.evaluate(() => document.scrollingElement!.scrollWidth <= window.innerWidth),
      `${dir}/${name} at ${width} px scrolls sideways`,
    ).toBe(true);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}
