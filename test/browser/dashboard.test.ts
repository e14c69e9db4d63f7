// `paretonas dashboard` on a search that is still running, in headless Chromium: the study is
// listed, its page shows the trials so far and new ones appear without a reload; the server
// answers loopback names only and refuses to listen beyond loopback unless asked.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumMissing, launch } from './chromium.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/paretonas.js');
const missing = chromiumMissing();

const marks = `(() => window.paretonasReport.charts.front.getOption().series
  .filter((s) => s.id.startsWith('evaluations-')).reduce((n, s) => n + s.data.length, 0))()`;

describe.skipIf(missing !== undefined)(`paretonas dashboard in Chromium ${missing ?? ''}`, () => {
  let browser: Browser;
  let search: ChildProcess;
  let server: ChildProcess;
  let url = '';
  let dir = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paretonas-dash-'));
    search = spawn(process.execPath, [bin, 'search', '-p', 'zdt1', '-m', 'msehvi', '--max-evals', '300', '--max-seconds', '40', '-o', join(dir, 'live'), '-q'], { stdio: 'ignore' });
    const journal = join(dir, 'live', 'trials.jsonl');
    const until = Date.now() + 20_000;
    while (!(existsSync(journal) && readFileSync(journal, 'utf8').includes('"tell"')) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    server = spawn(process.execPath, [bin, 'dashboard', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    url = await new Promise<string>((ok, fail) => {
      let text = '';
      server.stdout!.on('data', (b: Buffer) => {
        text += b.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
        if (m) ok(m[1]);
      });
      server.on('exit', (code) => fail(new Error(`dashboard exited with ${code}`)));
    });
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    search?.kill('SIGKILL');
    server?.kill('SIGTERM');
  });

  it('lists the running study, shows its trials and redraws as new ones arrive', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(url);
    const link = page.locator('#studies a', { hasText: 'live (msehvi on zdt1)' });
    await link.waitFor();
    await link.click();
    await page.waitForFunction('window.paretonasReport !== undefined');
    const first = (await page.evaluate(marks)) as number;
    expect(first).toBeGreaterThan(0);
    await page.waitForFunction(`${marks} > ${first}`, undefined, { timeout: 15_000 });
    expect(await page.locator('#live').textContent()).toMatch(/msehvi seed 0: \d+ trials, checked/);
    const png = await page.locator('#front').screenshot({ path: join(dir, 'dashboard-front.png') });
    expect(png.length).toBeGreaterThan(5_000);
    await page.close();
  });

  it('answers only requests addressed to a loopback name', async () => {
    const port = Number(new URL(url).port);
    const status = await new Promise<number>((ok, fail) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/studies', headers: { host: 'attacker.example' } }, (res) => {
        res.resume();
        ok(res.statusCode ?? 0);
      });
      req.on('error', fail);
      req.end();
    });
    expect(status).toBe(403);
    const page = await fetch(`${url}dist/report/search.html`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="./search.js"></script>');
    expect((await fetch(`${url}build/pareto.wasm`)).headers.get('content-type')).toBe('application/wasm');
    // the search page's training workers
    expect(await (await fetch(`${url}dist/report/pool-worker.js`)).text()).toMatch(/evaluate/);
    // the benchmark page and what its training kernels fetch
    expect(await (await fetch(`${url}dist/report/bench.html`)).text()).toContain('<script type="module" src="./bench.js"></script>');
    expect((await fetch(`${url}dist/report/bench.js`)).status).toBe(200);
    expect((await fetch(`${url}build/train-relaxed.wasm`)).headers.get('content-type')).toBe('application/wasm');
    expect(await (await fetch(`${url}shaders/conv2d-forward.wgsl`)).text()).toMatch(/@compute/);
    expect((await fetch(`${url}shaders/nope.wgsl`)).status).toBe(404);
    expect((await fetch(`${url}src/cli/main.ts`)).status).toBe(404); // the package's files are not served, only the page's
    const list = (await (await fetch(`${url}api/studies`)).json()) as { id: string; trials: number }[];
    expect(list.map((s) => s.id)).toEqual(['live']);
    expect(list[0].trials).toBeGreaterThan(0);
  });

  it('refuses to listen beyond loopback unless asked, and names bad arguments', () => {
    const r = spawnSync(process.execPath, [bin, 'dashboard', dir, '--host', '0.0.0.0'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--host 0\.0\.0\.0 lets other machines see your studies; add --allow-remote/);
    expect(spawnSync(process.execPath, [bin, 'dashboard', join(dir, 'nope')], { encoding: 'utf8' }).stderr).toMatch(/nope is not a directory/);
    expect(spawnSync(process.execPath, [bin, 'dashboard', dir, '--port', 'x'], { encoding: 'utf8' }).stderr).toMatch(/--port must be an integer in 0\.\.65535, got 'x'/);
  });
});
