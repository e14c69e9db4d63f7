// Trials on a BullMQ queue in a real Redis server, evaluated by real `paretonas worker`
// processes: the same trials as a single-process run, a worker killed mid-training whose job
// goes to another worker and is told once, a driver killed and resumed that re-attaches to
// its jobs, foreign jobs refused without stopping a worker, and a worker without its data
// taking no job.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StudyEvent } from '../../src/study/events.ts';
import { parseJournal } from '../../src/study/journal.ts';
import { CnnProblem } from '../../src/problems/cnn.ts';
import { QueueProblem, TRIAL_QUEUE } from '../../src/study/queue.ts';
import { startRedis, type RedisServer } from '../helpers/redis.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/paretonas.js');
const FLOWERS_DIR = process.env.PARETONAS_FLOWERS_DIR ?? `${root}../shared/data/flowers17`;
const dir = mkdtempSync(join(tmpdir(), 'paretonas-queue-'));

let server: RedisServer | undefined;
let skip: string | undefined;
beforeAll(async () => {
  ({ server, skip } = await startRedis());
});
afterAll(async () => {
  await server?.stop();
});

/** Worker processes started by a test, with their log lines. */
const workers: { child: ChildProcess; log: string[] }[] = [];
afterEach(async () => {
  for (const w of workers.splice(0)) {
    if (w.child.exitCode === null && w.child.signalCode === null) {
      const exited = new Promise((r) => w.child.on('exit', r));
      w.child.kill('SIGKILL');
      await exited;
    }
  }
});

function worker(...args: string[]): { child: ChildProcess; log: string[] } {
  const child = spawn(process.execPath, [bin, 'worker', '--queue', server!.url, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const w = { child, log: [] as string[] };
  child.stderr!.on('data', (d) => w.log.push(...String(d).split('\n').filter(Boolean)));
  workers.push(w);
  return w;
}

async function until(cond: () => boolean, seconds: number, what: string): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function events(out: string): StudyEvent[] {
  const p = join(out, 'trials.jsonl');
  return parseJournal(readFileSync(p, 'utf8'), p, () => {}).events;
}

const trace = (ev: StudyEvent[]) => ev.filter((e) => e.type === 'ask' || e.type === 'tell').map((e) => (e.type === 'ask' ? { ask: e.number, params: e.params } : { tell: e.number, state: e.state, values: e.values }))
  .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
const started = (w: { log: string[] }) => w.log.filter((l) => /job \S+: (zdt1|flowers)/.test(l)).map((l) => /job (\S+):/.exec(l)![1]);
/** A driver run to its end; asynchronous, so that the workers' logs keep flowing meanwhile. */
function search(...args: string[]): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, 'search', '-q', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (status) => resolve({ status, stderr })));
}

describe('trials on a Redis queue', () => {
  it('a driver and two workers produce the trials a single process does, each told once', async (ctx) => {
    if (!server) return ctx.skip(skip);
    const a = worker(), b = worker();
    await until(() => a.log.length > 0 && b.log.length > 0, 20, 'the workers');
    const r = await search('--problem', 'zdt1', '--method', 'random', '--max-evals', '60', '--seed', '7', '--out', join(dir, 'q1'), '--queue', server.url);
    expect(r.status, r.stderr).toBe(0);
    expect((await search('--problem', 'zdt1', '--method', 'random', '--max-evals', '60', '--seed', '7', '--out', join(dir, 'l1'))).status).toBe(0);
    expect(trace(events(join(dir, 'q1')))).toEqual(trace(events(join(dir, 'l1'))));
    // every job ran once, on one of the two workers, and both took some
    await until(() => started(a).length + started(b).length >= 60, 10, 'the workers\' logs');
    const ran = [...started(a), ...started(b)];
    expect(ran.length).toBe(60);
    expect(new Set(ran).size).toBe(60);
    expect(started(a).length).toBeGreaterThan(0);
    expect(started(b).length).toBeGreaterThan(0);
  });

  it('a worker killed mid-training: its job goes to another worker after the stall timeout and is told once', async (ctx) => {
    if (!server) return ctx.skip(skip);
    const a = worker('--data-dir', FLOWERS_DIR, '--stall-seconds', '2');
    await until(() => a.log.length > 0, 20, 'worker a');
    const out = join(dir, 'q2');
    const driver = spawn(process.execPath, [bin, 'search', '-q', '--method', 'random', '--max-evals', '1', '--seed', '2', '--out', out, '--queue', server.url,
      '--problem', 'flowers', '--device', 'wasm', '--problem-options', '{"maxWidth": 32, "subset": {"train": 200, "val": 17, "test": 17}, "minEpochs": 40, "maxEpochs": 40}'], { stdio: 'ignore' });
    await until(() => started(a).length === 1, 60, 'worker a to start the training');
    await new Promise((r) => setTimeout(r, 300));
    a.child.kill('SIGKILL');
    const b = worker('--data-dir', FLOWERS_DIR, '--stall-seconds', '2');
    await new Promise((r) => driver.on('exit', r));
    expect(driver.exitCode).toBe(0);
    expect(started(b)).toEqual(started(a));
    const tells = events(out).filter((e) => e.type === 'tell') as Extract<StudyEvent, { type: 'tell' }>[];
    expect(tells.length).toBe(1);
    expect(tells[0].state).toBe('complete');
    expect(tells[0].metrics!.epochs).toBe(40);
  });

  it('a driver killed and resumed re-attaches to its jobs: none is run twice, none finished is lost', async (ctx) => {
    if (!server) return ctx.skip(skip);
    const a = worker('--data-dir', FLOWERS_DIR), b = worker('--data-dir', FLOWERS_DIR);
    await until(() => a.log.length > 0 && b.log.length > 0, 20, 'the workers');
    const out = join(dir, 'q3');
    const args = ['--method', 'random', '--max-evals', '16', '--seed', '3', '--out', out, '--queue', server.url, '--concurrency', '4',
      '--problem', 'flowers', '--device', 'wasm', '--problem-options', '{"maxWidth": 24, "subset": {"train": 48, "val": 17, "test": 17}, "minEpochs": 6, "maxEpochs": 6}'];
    const driver = spawn(process.execPath, [bin, 'search', '-q', ...args], { stdio: 'ignore' });
    await until(() => started(a).length + started(b).length >= 6, 120, 'six jobs started');
    driver.kill('SIGKILL');
    await new Promise((r) => driver.on('exit', r));
    const before = events(out);
    // the jobs in flight finish while the driver is down
    await new Promise((r) => setTimeout(r, 3000));
    const r = await search('--resume', ...args);
    expect(r.status, r.stderr).toBe(0);
    const after = events(out);
    expect(after.slice(0, before.length)).toEqual(before);
    const tells = after.filter((e) => e.type === 'tell') as Extract<StudyEvent, { type: 'tell' }>[];
    expect(tells.length).toBe(16);
    expect(new Set(tells.map((t) => t.number)).size).toBe(16);
    expect(tells.every((t) => t.state === 'complete')).toBe(true);
    await until(() => started(a).length + started(b).length >= 16, 10, 'the workers\' logs');
    await new Promise((res) => setTimeout(res, 300));
    const ran = [...started(a), ...started(b)];
    expect(ran.length).toBe(16);
    expect(new Set(ran).size).toBe(16);
  });

  it('foreign jobs fail with the reason and the worker goes on; a worker without its data takes no job', async (ctx) => {
    if (!server) return ctx.skip(skip);
    const w = worker();
    await until(() => w.log.length > 0, 20, 'the worker');
    const connection = { host: '127.0.0.1', port: server.port, maxRetriesPerRequest: null };
    const queue = new Queue(TRIAL_QUEUE, { connection });
    const qe = new QueueEvents(TRIAL_QUEUE, { connection });
    await qe.waitUntilReady();
    try {
      const bad = await queue.add('trial', { code: 'process.exit(1)' });
      await expect(bad.waitUntilFinished(qe)).rejects.toThrow(/not a paretonas trial job: version undefined/);
      const wrong = await queue.add('trial', { v: 1, problem: 'zdt1', problemOptions: {}, config: { x0: 7 }, seed: 1 });
      await expect(wrong.waitUntilFinished(qe)).rejects.toThrow(/x0/);
      const good = await queue.add('trial', { v: 1, problem: 'zdt1', problemOptions: { nVars: 2 }, config: { x0: 0.5, x1: 0 }, seed: 1 });
      const r = (await good.waitUntilFinished(qe)) as { values: number[] };
      expect(r.values[0]).toBe(0.5);
      expect(w.child.exitCode).toBe(null);
    } finally {
      await qe.close();
      await queue.close();
    }
    const res = spawnSync(process.execPath, [bin, 'worker', '--queue', server.url, '--problem', 'flowers', '--data-dir', join(dir, 'nowhere')], { encoding: 'utf8', timeout: 60_000 });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/paretonas worker: error: cannot start: .*nowhere/);
    expect((await search('--problem', 'zdt1', '--method', 'random', '--max-evals', '2', '--out', join(dir, 'bad'), '--queue', 'http://x')).stderr).toMatch(/queue must start with redis:\/\//);
  });

  it('a worker that cannot load a job\'s data says so and stops; the job goes to a worker that can', async (ctx) => {
    if (!server) return ctx.skip(skip);
    const bad = worker('--data-dir', join(dir, 'nowhere'), '--stall-seconds', '2');
    await until(() => bad.log.length > 0, 20, 'the worker without data');
    const out = join(dir, 'q5');
    const driver = search('--method', 'random', '--max-evals', '1', '--seed', '5', '--out', out, '--queue', server.url,
      '--problem', 'flowers', '--device', 'wasm', '--problem-options', '{"maxWidth": 24, "subset": {"train": 48, "val": 17, "test": 17}, "minEpochs": 2, "maxEpochs": 2}');
    await new Promise((r) => bad.child.on('exit', r));
    expect(bad.child.exitCode).toBe(1);
    const refused = /job (\S+): cannot load problem flowers: .*nowhere.*this worker takes no more jobs/.exec(bad.log.join('\n'));
    expect(refused).not.toBe(null);
    const good = worker('--data-dir', FLOWERS_DIR, '--stall-seconds', '2');
    const r = await driver;
    expect(r.status, r.stderr).toBe(0);
    const tells = events(out).filter((e) => e.type === 'tell') as Extract<StudyEvent, { type: 'tell' }>[];
    expect(tells.map((t) => t.state)).toEqual(['complete']);
    await until(() => started(good).length === 1, 10, 'the good worker\'s log');
    expect(started(good)).toEqual([refused![1]]);
  });

  it('the driver hears every epoch of a training that runs on a worker', async (ctx) => {
    if (!server) return ctx.skip(skip);
    const w = worker('--data-dir', FLOWERS_DIR);
    await until(() => w.log.length > 0, 20, 'the worker');
    const options = { maxWidth: 24, subset: { train: 48, val: 17, test: 17 }, minEpochs: 1, maxEpochs: 4, device: 'wasm' as const };
    const local = new CnnProblem('flowers', options);
    const q = await QueueProblem.create(server.url, local, options);
    q.run = `progress${Date.now()}`;
    try {
      const seen: number[] = [];
      const r = await q.evaluate(local.space.defaultConfig(), { id: '0', seed: 1, budget: 4, onProgress: (p) => seen.push(p.epoch) });
      expect(seen).toEqual([1, 2, 3, 4]);
      expect(r.metrics!.epochs).toBe(4);
    } finally {
      await q.dispose();
    }
  });

  it('a driver that misses a job\'s completion event still gets its result (read from Redis)', async (ctx) => {
    if (!server) return ctx.skip(skip);
    const w = worker();
    await until(() => w.log.some((l) => /taking jobs/.test(l)), 20, 'the worker');
    const { Zdt1 } = await import('../../src/problems/synthetic.ts');
    const local = new Zdt1(6);
    const q = await QueueProblem.create(server.url, local, { nVars: 6 });
    q.run = `missed${Date.now()}`;
    try {
      // the event stream closed: no completion event can arrive, as when a job finishes before
      // the driver's stream is read
      await (q as unknown as { events: QueueEvents }).events.close();
      const config = local.space.defaultConfig();
      const r = await q.evaluate(config, { id: '0', seed: 1 });
      expect(Array.from(r.values)).toEqual(Array.from((await local.evaluate(config, { seed: 1 })).values));
    } finally {
      await q.dispose();
    }
  });
});
