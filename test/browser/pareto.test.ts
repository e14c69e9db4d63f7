// The built package in a browser: the WebAssembly module loads through fetch, the same API answers.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromRows, hypervolume, ndsort } from '../../src/index.ts';
import { chromiumMissing, useChromium } from './chromium.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const missing = chromiumMissing();

describe.skipIf(missing !== undefined)(`browser (Chromium) ${missing ?? ''}`, () => {
  const chrome = useChromium(root);

  it('computes hypervolumes and ranks through dist/index.js, as in Node', async () => {
    const page = await chrome.browser.newPage();
    await page.goto(`${chrome.url}/test/browser/blank.html`);
    // A string, so that the test runner does not rewrite the page's dynamic import.
    const res = (await page.evaluate(`(async () => {
      const m = await import('${chrome.url}/dist/index.js');
      const pts = m.fromRows([[1, 5, 3], [2, 2, 4], [4, 1, 1], [3, 3, 3], [5, 5, 5]]);
      return { hv: m.hypervolume(pts, 3, [6, 6, 6]), ranks: Array.from(m.ndsort(pts, 3)), ua: navigator.userAgent };
    })()`)) as { hv: number; ranks: number[]; ua: string };
    const pts = fromRows([[1, 5, 3], [2, 2, 4], [4, 1, 1], [3, 3, 3], [5, 5, 5]]);
    expect(res.ua).toMatch(/Chrome/);
    expect(res.hv).toBe(hypervolume(pts, 3, [6, 6, 6]));
    expect(res.ranks).toEqual(Array.from(ndsort(pts, 3)));
    await page.close();
  });
});
