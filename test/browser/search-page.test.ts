// The search page (dist/report/search.html) in headless Chromium, served as static files: a
// 20-evaluation Branin-Currin search runs in the tab, its journal downloads, and the page opens
// that journal again and draws the same trials.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runFromEvents } from '../../src/report/events.ts';
import type { StudyEvent } from '../../src/study/events.ts';
import { chromiumMissing, useChromium } from './chromium.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FLOWERS_DIR = process.env.PARETONAS_FLOWERS_DIR ?? `${root}../shared/data/flowers17`;
const FASHION_DIR = process.env.PARETONAS_FASHION_DIR ?? '/usr/share/datasets/fashion-mnist';
const FLOWERS_FILES = ['x_train.npy', 'y_train.npy', 'x_val.npy', 'y_val.npy', 'x_test.npy', 'y_test.npy'];
const FASHION_FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
const missing = chromiumMissing();
const fashionMissing = FASHION_FILES.every((f) => existsSync(join(FASHION_DIR, f))) ? undefined : `(skipped: no Fashion-MNIST files in ${FASHION_DIR}; apt-get install dataset-fashion-mnist)`;

const marks = `(() => window.paretonasReport.charts.front.getOption().series
  .filter((s) => s.id.startsWith('evaluations-')).reduce((n, s) => n + s.data.length, 0))()`;

describe.skipIf(missing !== undefined)(`the search page in Chromium ${missing ?? ''}`, () => {
  const chrome = useChromium(root);

  it('runs a 20-evaluation Branin-Currin search in the tab, downloads its journal and opens it again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paretonas-page-'));
    const page = await chrome.browser.newPage({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${chrome.url}/dist/report/search.html`);
    await page.waitForFunction('window.paretonasSearch !== undefined');
    await page.selectOption('#problem', 'branincurrin');
    await page.selectOption('#method', 'mobohb');
    await page.fill('#budget', '20');
    await page.fill('#seed', '3');
    await page.click('#run');
    await page.waitForFunction(`document.getElementById('status').textContent.includes('finished, 20 trials')`, undefined, { timeout: 60_000 });
    expect(errors).toEqual([]);
    const drawn = (await page.evaluate(marks)) as number;

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = join(dir, 'trials.jsonl');
    await download.saveAs(file);
    const events = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as StudyEvent);
    const tells = events.filter((e) => e.type === 'tell');
    expect(tells.length).toBe(20);
    const study = events.find((e) => e.type === 'study');
    expect(study?.type === 'study' && [study.meta.method, study.meta.problem, study.meta.seed]).toEqual(['mobohb', 'branincurrin', 3]);
    // The journal reads as any other: the same trials and front in Node.
    const run = runFromEvents(events, file);
    expect(drawn).toBe(tells.filter((t) => t.type === 'tell' && t.state === 'complete').length);
    expect(run.trials.length).toBe(20);

    await page.reload();
    // the page's module must have attached its listeners before the file is chosen
    await page.waitForFunction('window.paretonasSearch !== undefined');
    await page.setInputFiles('#open', file);
    await page.waitForFunction(`document.getElementById('status').textContent.includes('20 trials')`);
    expect(await page.evaluate(marks)).toBe(drawn);
    expect(await page.locator('#trials tbody tr').count()).toBe(20);
    await page.locator('#front').screenshot({ path: join(dir, 'search-front.png') });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
  /** Run a CNN search in the page with the given form values; returns the tells of its journal. */
  async function cnnSearch(fields: Record<string, string>, files: string[], expectTrials: number) {
    const page = await chrome.browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${chrome.url}/dist/report/search.html`);
    await page.waitForFunction('window.paretonasSearch !== undefined');
    await page.selectOption('#problem', fields.problem);
    expect(await page.locator('#cnn').isVisible()).toBe(true);
    await page.selectOption('#method', fields.method);
    await page.selectOption('#device', fields.device);
    for (const id of ['budget', 'seed', 'workers', 'epochs', 'min-epochs', 'max-width', 'train-images']) if (fields[id] !== undefined) await page.fill(`#${id}`, fields[id]);
    await page.setInputFiles('#data', files);
    await page.click('#run');
    await page.waitForFunction(`window.paretonasSearch.state() !== 'running' && window.paretonasSearch.state() !== 'idle'`, undefined, { timeout: 240_000 });
    expect(errors).toEqual([]);
    expect(await page.evaluate('window.paretonasSearch.state()')).toBe('finished');
    const status = await page.locator('#status').textContent();
    expect(status).toContain(`finished, ${expectTrials} trials`);
    const events = (await page.evaluate('window.paretonasSearch.events()')) as StudyEvent[];
    const drawn = (await page.evaluate(marks)) as number;
    const shot = await page.locator('#front').screenshot();
    await page.close();
    const tells = events.filter((e) => e.type === 'tell');
    const study = events.find((e) => e.type === 'study');
    return { status, tells, study, drawn, shot };
  }

  it('searches Flowers from chosen files, training in Web Workers on WebAssembly', async () => {
    const r = await cnnSearch({ problem: 'flowers', method: 'random', device: 'wasm', budget: '4', seed: '2', workers: '2', epochs: '2', 'min-epochs': '1', 'max-width': '24', 'train-images': '96' },
      FLOWERS_FILES.map((f) => join(FLOWERS_DIR, f)), 4);
    expect(r.status).toMatch(/WebAssembly in 2 workers/);
    expect(r.tells.length).toBe(4);
    for (const t of r.tells) {
      expect(t.type === 'tell' && t.state).toBe('complete');
      const m = t.type === 'tell' ? t.metrics ?? {} : {};
      expect(m.backend).toBe('wasm');
      expect(m.epochs).toBe(2);
      // a real training: accuracies are percentages and the size objective is log10 of the parameters
      expect(Number(m.val_acc_1)).toBeLessThanOrEqual(0);
      expect(Number(m.val_acc_1)).toBeGreaterThanOrEqual(-100);
      expect(10 ** Number(m.num_params)).toBeCloseTo(Number(m.n_parameters), 3);
      expect(JSON.parse(String(m.train_loss_curve)).length).toBe(2);
    }
    // the journal keeps the problem's options but not the data
    const meta = r.study?.type === 'study' ? r.study.meta : undefined;
    expect(meta?.problem).toBe('flowers');
    expect(meta?.problemOptions).toMatchObject({ device: 'wasm', maxEpochs: 2, minEpochs: 1, maxWidth: 24 });
    expect(JSON.stringify(meta?.problemOptions)).not.toContain('dataFiles');
    expect(r.drawn).toBe(4);
    expect(r.shot.length).toBeGreaterThan(5000);
  }, 300_000);

  it('searches Flowers on the browser\'s WebGPU adapter', async () => {
    const r = await cnnSearch({ problem: 'flowers', method: 'mobohb', device: 'webgpu', budget: '3', seed: '1', epochs: '2', 'min-epochs': '1', 'max-width': '24', 'train-images': '64' },
      FLOWERS_FILES.map((f) => join(FLOWERS_DIR, f)), 3);
    expect(r.tells.length).toBe(3);
    for (const t of r.tells) {
      const m = t.type === 'tell' ? t.metrics ?? {} : {};
      expect(t.type === 'tell' && t.state).toBe('complete');
      expect(m.backend).toBe('webgpu');
      expect(String(m.device)).toMatch(/navigator\.gpu/);
    }
  }, 300_000);

  it.skipIf(fashionMissing !== undefined)(`searches Fashion-MNIST from chosen files ${fashionMissing ?? ''}`, async () => {
    const r = await cnnSearch({ problem: 'fashion', method: 'random', device: 'wasm', budget: '2', seed: '1', workers: '1', epochs: '1', 'min-epochs': '1', 'max-width': '24', 'train-images': '128' },
      FASHION_FILES.map((f) => join(FASHION_DIR, f)), 2);
    expect(r.tells.length).toBe(2);
    for (const t of r.tells) {
      const m = t.type === 'tell' ? t.metrics ?? {} : {};
      expect(m.backend).toBe('wasm');
      expect(Number(m.val_acc_1)).toBeLessThan(0);
    }
  }, 300_000);

  it('names the missing data files instead of starting', async () => {
    const page = await chrome.browser.newPage();
    await page.goto(`${chrome.url}/dist/report/search.html`);
    await page.waitForFunction('window.paretonasSearch !== undefined');
    await page.selectOption('#problem', 'flowers');
    await page.setInputFiles('#data', [join(FLOWERS_DIR, 'x_train.npy')]);
    await page.click('#run');
    await page.waitForFunction(`document.getElementById('status').textContent.includes('missing')`);
    expect(await page.locator('#status').textContent()).toContain('missing y_train.npy, x_val.npy, y_val.npy, x_test.npy, y_test.npy');
    expect(await page.locator('#run').isDisabled()).toBe(false);
    await page.close();
  });
});
