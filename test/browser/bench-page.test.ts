// The benchmark page (dist/report/bench.html) in headless Chromium, served as static files: the
// quick 'train-kernels' suite (on SwiftShader's WebGPU and in WebAssembly) and the quick 'pareto'
// suite run in the tab, and the result file it offers for download follows the schema.
import { readFileSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateBenchFile } from '../../src/bench/schema.ts';
import { MEMORY_BOUND_KERNELS } from '../../src/bench/suites/train-memory.ts';
import { chromiumMissing, useChromium } from './chromium.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const missing = chromiumMissing();

describe.skipIf(missing !== undefined)(`the benchmark page in Chromium ${missing ?? ''}`, () => {
  const chrome = useChromium(root);

  it('runs the quick train-kernels and pareto suites and downloads a result file of the schema', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paretonas-bench-page-'));
    const page = await chrome.browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${chrome.url}/dist/report/bench.html`);
    // the machine is described before anything runs
    await page.waitForFunction(`document.getElementById('machine').textContent.includes('logical cores')`);
    await page.check('#quick');
    await page.click('#run');
    await page.waitForFunction(`/^(finished|failed)/.test(document.getElementById('status').textContent)`, undefined, { timeout: 240_000 });
    expect(await page.textContent('#status')).toMatch(/^finished: \d+ results/);
    expect(errors).toEqual([]);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = join(dir, 'bench.json');
    await download.saveAs(file);
    const f = validateBenchFile(JSON.parse(readFileSync(file, 'utf8')), file);
    expect(f.quick).toBe(true);
    expect(f.suites).toEqual(['train-kernels', 'pareto']);
    expect(f.machine.runtime).toBe('browser');
    expect(f.machine.webgpu?.software).toBe(true);
    const kernels = f.results.filter((r) => r.suite === 'train-kernels');
    const gemmBound = ['conv forward', 'conv grad-input', 'conv grad-weight', 'dense forward', 'dense backward', 'sgemm'];
    expect(new Set(kernels.filter((r) => r.backend === 'wasm').map((r) => r.case)), 'wasm').toEqual(new Set(gemmBound));
    // on WebGPU the memory-bound kernels too (GB/s)
    expect(new Set(kernels.filter((r) => r.backend === 'webgpu').map((r) => r.case)), 'webgpu').toEqual(new Set([...gemmBound, ...MEMORY_BOUND_KERNELS]));
    expect(kernels.filter((r) => r.backend === 'webgpu').every((r) => r.adapter === f.machine.webgpu?.name)).toBe(true);
    expect(f.results.some((r) => r.suite === 'pareto')).toBe(true);
    for (const r of f.results) {
      expect(r.median, `${r.suite} ${r.case} ${r.backend}`).toBeGreaterThan(0);
      expect(r.check, `${r.suite} ${r.case} ${r.backend}`).not.toBe('');
    }
    for (const r of kernels) expect(r.check).toMatch(/^matches its float64 twin/);
    // a kernel whose check failed would be listed as not run
    expect(f.skipped.filter((s) => /check failed/.test(s.reason))).toEqual([]);
    expect(await page.locator('#results tbody tr').count()).toBe(f.results.length);

    const shot = join(dir, 'bench-page.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect((await page.locator('#results table').boundingBox())?.height).toBeGreaterThan(200);
    // a blank page of this size compresses to a few kilobytes
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    await page.close();
  }, 300_000);
});
