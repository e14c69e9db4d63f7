// The search page (dist/report/search.html) in headless Chromium, served as static files: a
// 20-evaluation Branin-Currin search runs in the tab, its journal downloads, and the page opens
// that journal again and draws the same trials.
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { runFromEvents } from '../../src/report/events.ts';
import type { StudyEvent } from '../../src/study/events.ts';
import { chromiumMissing, launch } from './chromium.ts';
import { serve } from './server.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const missing = chromiumMissing();

const marks = `(() => window.paretonasReport.charts.front.getOption().series
  .filter((s) => s.id.startsWith('evaluations-')).reduce((n, s) => n + s.data.length, 0))()`;

describe.skipIf(missing !== undefined)(`the search page in Chromium ${missing ?? ''}`, () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve(root);
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('runs a 20-evaluation Branin-Currin search in the tab, downloads its journal and opens it again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paretonas-page-'));
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/dist/report/search.html`);
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
    await page.setInputFiles('#open', file);
    await page.waitForFunction(`document.getElementById('status').textContent.includes('20 trials')`);
    expect(await page.evaluate(marks)).toBe(drawn);
    expect(await page.locator('#trials tbody tr').count()).toBe(20);
    await page.locator('#front').screenshot({ path: join(dir, 'search-front.png') });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
