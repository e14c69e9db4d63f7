// `paretonas report --html` on real runs, opened from the file system in headless Chromium: the
// front holds one mark per complete trial, hovering one shows its configuration, the table
// sorts and filters, and no view is blank.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { parseJournal } from '../../src/study/journal.ts';
import { FLOWERS_DIR } from '../helpers/training.ts';
import { chromiumMissing, launch } from './chromium.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const missing = chromiumMissing();

function cli(args: string[]): string {
  const r = spawnSync(process.execPath, [join(root, 'bin/paretonas.js'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`paretonas ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

function completeTrials(dir: string): number {
  const { events } = parseJournal(readFileSync(join(dir, 'trials.jsonl'), 'utf8'), dir);
  return events.filter((e) => e.type === 'tell' && e.state === 'complete').length;
}

/** Share of a chart's canvas pixels that are not the background (white or transparent). */
async function inkShare(page: Page, id: string): Promise<number> {
  return page.evaluate((sel) => {
    const canvas = document.querySelector(`#${sel} canvas`) as HTMLCanvasElement | null;
    if (!canvas) return 0;
    const ctx = canvas.getContext('2d')!;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && (data[i] < 235 || data[i + 1] < 235 || data[i + 2] < 235)) ink++;
    return ink / (data.length / 4);
  }, id);
}

describe.skipIf(missing !== undefined)(`paretonas report --html in Chromium ${missing ?? ''}`, () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const runs: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paretonas-report-'));
    for (const [method, seed] of [['mobohb', 1], ['random', 2]] as const) {
      const out = join(dir, method);
      cli(['search', '-p', 'branincurrin', '-m', method, '--max-evals', '24', '-s', String(seed), '-o', out, '-q']);
      runs.push(out);
    }
    const printed = cli(['report', ...runs, '--html', '--out', dir]);
    expect(printed).toMatch(/report\.html \(\d+ KB/);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(pathToFileURL(join(dir, 'report.html')).href);
    await page.waitForFunction('window.paretonasReport !== undefined');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('draws one mark per complete trial of each run, and hovering one shows its configuration', async () => {
    const counts = await page.evaluate(`(() => {
      const opt = window.paretonasReport.charts.front.getOption();
      return opt.series.filter((s) => s.id.startsWith('evaluations-')).map((s) => s.data.length);
    })()`) as number[];
    expect(counts).toEqual(runs.map(completeTrials));
    expect(counts[0]).toBeGreaterThan(0);

    await page.evaluate(`window.paretonasReport.charts.front.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: 0 })`);
    const tip = await page.waitForFunction(`(() => {
      const t = [...document.querySelectorAll('#front div')].find((d) => d.textContent.includes('trial #'));
      return t ? t.textContent : false;
    })()`);
    const text = String(await tip.jsonValue());
    const data = await page.evaluate('window.paretonasReport.data') as { runs: { params: string[]; objectives: string[] }[] };
    expect(data.runs[0].params.length).toBeGreaterThan(0);
    for (const p of data.runs[0].params) expect(text).toContain(`${p} = `);
    for (const o of data.runs[0].objectives) expect(text).toContain(`${o} = `);
  });

  it('sorts and filters the trial table', async () => {
    const tells = (r: string) => parseJournal(readFileSync(join(r, 'trials.jsonl'), 'utf8'), r).events.filter((e) => e.type === 'tell').length;
    expect(await page.locator('#trials tbody tr').count()).toBe(tells(runs[0]) + tells(runs[1]));
    await page.fill('#trial-filter', 'random'); // the second run's name
    expect(await page.locator('#trials tbody tr').count()).toBe(tells(runs[1]));
    await page.fill('#trial-filter', '');
    const numbers = async () => (await page.locator('#trials tbody tr td:nth-child(2)').allTextContents()).map(Number);
    const byNumber = page.locator('#trials thead th', { hasText: /^#$/ });
    await byNumber.click(); // the table starts sorted by number: this click reverses it
    const down = await numbers();
    expect(down).toEqual([...down].sort((a, b) => b - a));
    await page.locator('#trials thead th', { hasText: new RegExp(`^${(await page.evaluate('window.paretonasReport.data.runs[0].objectives[0]')) as string}$`) }).click();
    const first = await page.evaluate('window.paretonasReport.data.runs[0].objectives[0]') as string;
    const col = (await page.locator('#trials thead th').allTextContents()).indexOf(first) + 1;
    const values = (await page.locator(`#trials tbody tr td:nth-child(${col})`).allTextContents()).filter((v) => v !== '').map(Number);
    expect(values.length).toBeGreaterThan(0);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(down.length).toBe(tells(runs[0]) + tells(runs[1]));
  });

  it('a CNN trial on Flowers shows its per-epoch training curve when clicked', async () => {
    const out = join(dir, 'flowers');
    cli(['search', '-p', 'flowers', '--device', 'wasm', '--concurrency', '1', '--data-dir', FLOWERS_DIR, '-m', 'random', '--max-evals', '2', '-s', '4', '-o', out, '-q',
      '--problem-options', '{"maxWidth": 24, "minEpochs": 4, "maxEpochs": 4, "subset": {"train": 64, "val": 34, "test": 34}}']);
    cli(['report', out, '--html', '--out', out]);
    const p = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await p.goto(pathToFileURL(join(out, 'report.html')).href);
    await p.waitForFunction('window.paretonasReport !== undefined');
    const { events } = parseJournal(readFileSync(join(out, 'trials.jsonl'), 'utf8'), out);
    const first = events.find((e) => e.type === 'tell' && e.state === 'complete') as Extract<(typeof events)[number], { type: 'tell' }>;
    const losses = JSON.parse(String(first.metrics?.train_loss_curve)) as number[];
    expect(losses.length).toBe(4);
    // Click the first trial's mark (the chart's own click event), then read the curve chart.
    await p.evaluate(`(() => {
      const c = window.paretonasReport.charts.front;
      const s = c.getOption().series.findIndex((x) => x.id === 'evaluations-0');
      const idx = c.getOption().series[s].data.findIndex((d) => d[3] === ${first.number});
      c.trigger('click', { value: c.getOption().series[s].data[idx], seriesIndex: s, dataIndex: idx });
    })()`);
    await p.waitForFunction('window.paretonasReport.charts.curve !== undefined');
    const drawn = await p.evaluate(`window.paretonasReport.charts.curve.getOption().series[0].data.map((d) => d[1])`);
    expect(drawn).toEqual(losses);
    expect(await p.locator('#details pre').textContent()).toContain('training curve: 4 epochs');
    // the hyperparameters the space samples on a log scale (lr_init, the widths, ...) get logarithmic parallel axes, the others not
    const axes = (await p.evaluate(`window.paretonasReport.charts.parallel.getOption().parallelAxis.map((a) => [a.name, a.type])`)) as [string, string][];
    const study = events.find((e) => e.type === 'study') as Extract<(typeof events)[number], { type: 'study' }>;
    const logged = study.meta.space.hyperparameters.filter((h) => (h as { log?: boolean }).log === true).map((h) => h.name);
    expect(logged).toContain('lr_init');
    expect(axes.filter(([, t]) => t === 'log').map(([n]) => n).sort()).toEqual(logged.map((n) => `${n} (log)`).sort());
    await p.close();
  }, 120_000);

  it('no view is blank (screenshots kept in the report directory)', async () => {
    for (const id of ['front', 'hv-evaluations', 'hv-time', 'parallel']) {
      await page.locator(`#${id}`).screenshot({ path: join(dir, `${id}.png`) });
      expect(await inkShare(page, id), id).toBeGreaterThan(0.01);
    }
    await page.locator('#table').screenshot({ path: join(dir, 'table.png') });
    expect(await page.locator('#runs tbody tr').count()).toBe(runs.length);
  });
});
