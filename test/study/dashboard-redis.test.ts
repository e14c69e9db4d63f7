// `paretonas dashboard redis://...` on a real redis-server: it lists the studies held there and
// serves one of them, read without taking the study's lock (a driver could be writing it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../helpers/redis.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/paretonas.js');

let server: RedisServer | undefined;
let skip: string | undefined;
let dashboard: ChildProcess | undefined;
beforeAll(async () => {
  ({ server, skip } = await startRedis());
});
afterAll(async () => {
  dashboard?.kill('SIGTERM');
  await server?.stop();
});

describe('paretonas dashboard on Redis', () => {
  it('lists the studies of a Redis server and serves each one', async ({ skip: skipTest }) => {
    if (skip || !server) return skipTest(skip);
    const dir = mkdtempSync(join(tmpdir(), 'paretonas-dash-redis-'));
    for (const [name, method, evals] of [['alpha', 'random', 12], ['beta', 'shemoa', 20]] as const) {
      const r = spawnSync(process.execPath, [bin, 'search', '-p', 'zdt1', '-m', method, '--max-evals', String(evals), '-o', join(dir, name), '--storage', `${server.url}/${name}`, '-q'], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
    dashboard = spawn(process.execPath, [bin, 'dashboard', server.url, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const url = await new Promise<string>((ok, fail) => {
      let text = '';
      dashboard!.stdout!.on('data', (b: Buffer) => {
        text += b.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
        if (m) ok(m[1]);
      });
      dashboard!.on('exit', (code) => fail(new Error(`dashboard exited with ${code}`)));
    });
    const list = (await (await fetch(`${url}api/studies`)).json()) as { id: string; name: string; trials: number }[];
    expect(list.map((s) => [s.id, s.trials])).toEqual([['alpha', 12], ['beta', 20]]);
    expect(list[1].name).toBe('beta (shemoa on zdt1)');
    const data = (await (await fetch(`${url}api/study?id=beta`)).json()) as { runs: { method: string; trials: unknown[]; front: number[] }[] };
    expect(data.runs[0].method).toBe('shemoa');
    expect(data.runs[0].trials.length).toBe(20);
    expect(data.runs[0].front.length).toBeGreaterThan(0);
    const missing = await fetch(`${url}api/study?id=gamma`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toMatch(/no study 'gamma'/);
  }, 60_000);
});
