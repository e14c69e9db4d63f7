// Training in a browser: headless Chromium runs the built package, on its WebGPU (SwiftShader)
// and on the WebAssembly CPU backend.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chromiumMissing, useChromium } from './chromium.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FLOWERS_DIR = process.env.PARETONAS_FLOWERS_DIR ?? `${root}../shared/data/flowers17`;
const missing = chromiumMissing();

describe.skipIf(missing !== undefined)(`browser training (Chromium) ${missing ?? ''}`, () => {
  const chrome = useChromium(root, { '/data/': FLOWERS_DIR });

  it.for<[string, RegExp]>([
    ['webgpu', /\[navigator\.gpu\]/],
    ['wasm', /^WebAssembly SIMD \(relaxed/],
  ])('trains a small CNN on Flowers on %s: the loss falls', { timeout: 300_000 }, async ([device, described]) => {
    const page = await chrome.browser.newPage();
    await page.goto(`${chrome.url}/test/browser/blank.html`);
    const r = (await page.evaluate(`(async () => {
      const m = await import('${chrome.url}/dist/index.js');
      const losses = [];
      const p = new m.CnnProblem('flowers', { dataDir: '${chrome.url}/data/', device: '${device}', subset: { train: 128, val: 68, test: 68 }, onEpoch: (e) => losses.push(e.loss) });
      const c = p.space.defaultConfig();
      delete c.n_conv_1; delete c.n_conv_2; delete c.n_fc_1; delete c.n_fc_2;
      Object.assign(c, { n_conv_l: 1, n_conv_0: 16, n_fc_l: 1, n_fc_0: 32, global_avg_pooling: false, batch_norm: true, kernel_size: 3, batch_size: 32, lr_init: 0.003 });
      const r = await p.evaluate(c, { budget: 4, seed: 1 });
      await p.dispose();
      return { values: r.values, metrics: r.metrics, losses };
    })()`)) as { values: number[]; metrics: Record<string, number | string>; losses: number[] };
    await page.close();
    expect(r.metrics.backend).toBe(device);
    expect(String(r.metrics.device)).toMatch(described);
    expect(r.metrics.n_parameters).toBe(33841);
    expect(r.losses.length).toBe(4);
    expect(r.losses[3]).toBeLessThan(0.7 * r.losses[0]);
    expect(r.values[0]).toBeLessThan(-100 / 17);
  });
});
