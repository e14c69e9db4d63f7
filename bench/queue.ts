// The Redis job queue (src/study/queue.ts), side by side in one run: the queue's overhead per
// trial on a problem whose evaluation takes no time (ask to the start of the evaluation on a
// worker, and its end to the tell; BullMQ's own timestamps, ms), and the throughput of a small
// Flowers search (CPU backend) with one and with two worker processes. Starts its own
// redis-server (Debian's); reports it absent otherwise. `npx tsx bench/queue.ts`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Job } from 'bullmq';
import { Zdt1 } from '../src/problems/synthetic.ts';
import { QueueProblem } from '../src/study/queue.ts';
import { startRedis } from '../test/helpers/redis.ts';
import { median } from '../src/bench/harness.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/paretonas.js');
const FLOWERS_DIR = process.env.PARETONAS_FLOWERS_DIR ?? join(root, '../shared/data/flowers17');

function startWorker(url: string, ...args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bin, 'worker', '--queue', url, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve) => child.stderr!.on('data', (d) => /taking jobs/.test(String(d)) && resolve(child)));
}

async function stop(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map((c) => new Promise((r) => {
    c.on('exit', r);
    c.kill('SIGTERM');
  })));
}

const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

export async function benchQueue(): Promise<string[]> {
  const { server, skip } = await startRedis();
  if (!server) return [`queue: ${skip}`];
  const rows: string[] = [];
  try {
    // overhead per trial, one trial at a time, one worker
    const w = await startWorker(server.url);
    const zdt = new Zdt1(30);
    const q = await QueueProblem.create(server.url, zdt, {});
    q.run = `bench${Date.now()}`;
    const cfg = zdt.space.defaultConfig();
    const toStart: number[] = [], toTell: number[] = [], total: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t0 = Date.now(), h0 = performance.now();
      await q.evaluate(cfg, { id: String(i), seed: i });
      const t1 = Date.now();
      total.push(performance.now() - h0);
      const job = await Job.fromId((q as unknown as { queue: never }).queue, `${q.run}-${i}`);
      if (i < 20) continue; // warm-up
      toStart.push(job!.processedOn! - t0);
      toTell.push(t1 - job!.finishedOn!);
    }
    await q.dispose();
    await stop([w]);
    rows.push('| queue overhead per trial (zdt1, 280 trials, 1 worker, loopback) | median | p99 |', '|---|---|---|');
    rows.push(`| ask to start of evaluation (ms) | ${median(toStart)} | ${p(toStart, 0.99)} |`);
    rows.push(`| end of evaluation to tell (ms) | ${median(toTell)} | ${p(toTell, 0.99)} |`);
    rows.push(`| whole round trip (ms) | ${median(total.slice(20)).toFixed(2)} | ${p(total.slice(20), 0.99).toFixed(2)} |`);
    // throughput of a small Flowers search with 1 and 2 workers
    const dir = mkdtempSync(join(tmpdir(), 'paretonas-bench-queue-'));
    const seconds: number[] = [];
    const options = '{"maxWidth": 48, "subset": {"train": 340}, "minEpochs": 8, "maxEpochs": 8}';
    const trials = 24;
    const run = (out: string, evals: number, concurrency: number) => new Promise<void>((resolve, reject) => {
      const d = spawn(process.execPath, [bin, 'search', '-q', '--problem', 'flowers', '--method', 'random', '--max-evals', String(evals), '--seed', '1', '--out', out, '--queue', server.url,
        '--concurrency', String(concurrency), '--problem-options', options], { stdio: 'ignore' });
      d.on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`search exited ${c}`))));
    });
    for (const n of [1, 2]) {
      const ws = await Promise.all(Array.from({ length: n }, () => startWorker(server.url, '--data-dir', FLOWERS_DIR, '--device', 'wasm')));
      // every worker loads the data once, before the timed search (a short search of its own)
      await run(join(dir, `warm${n}`), 2 * n, n);
      const t0 = performance.now();
      await run(join(dir, `w${n}`), trials, 2 * n);
      seconds.push((performance.now() - t0) / 1000);
      await stop(ws);
    }
    rows.push('', `| Flowers search, ${trials} trials (random, seed 1, widths <= 48, 340 training images, 8 epochs, CPU; driver with 2 trials per worker in flight) | seconds | trials/min |`, '|---|---|---|');
    seconds.forEach((s, i) => rows.push(`| ${i + 1} worker${i ? 's' : ''} | ${s.toFixed(1)} | ${((trials / s) * 60).toFixed(1)} |`));
    rows.push(`| speed-up with 2 workers | ${(seconds[0] / seconds[1]).toFixed(2)}x | |`);
  } finally {
    await server.stop();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('\n## Trials on a Redis queue\n');
  for (const r of await benchQueue()) console.log(r);
}
