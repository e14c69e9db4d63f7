import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Progress } from '../../src/cli/search.ts';
import { parseJournal } from '../../src/study/journal.ts';
import type { StudyEvent } from '../../src/study/events.ts';
import { evaluationPlan, runSearch } from '../../src/study/search.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/paretonas.js');
const dir = mkdtempSync(join(tmpdir(), 'paretonas-search-'));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function events(out: string): StudyEvent[] {
  const p = join(out, 'trials.jsonl');
  return parseJournal(readFileSync(p, 'utf8'), p, () => {}).events;
}

describe('paretonas search and report', () => {
  it('runs a search to its cap and writes the journal and summary', () => {
    const out = join(dir, 'nsga2');
    const r = run(['search', '--problem', 'zdt1', '--method', 'nsga2', '--max-evals', '120', '--seed', '1', '--out', out, '--method-options', '{"populationSize": 20}']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/120\/120 evaluations/);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s).toMatchObject({ problem: 'zdt1', method: 'nsga2', seed: 1, evaluations: 120, referencePoint: [11, 11] });
    expect(s.hypervolume).toBeGreaterThan(0);
    expect(s.front.length).toBeGreaterThan(0);
    expect(s.front[0]).toHaveProperty('config.x0');
    expect(s.front[0].objectives.length).toBe(2);
    expect(s.hvHistory.length).toBe(120);
    expect(s.hvHistory[119][2]).toBe(s.hypervolume);
    const ev = events(out);
    expect(ev.filter((e) => e.type === 'ask').length).toBe(120);
    expect(ev.filter((e) => e.type === 'tell').length).toBe(120);
    // a second run into the same directory is refused without --resume
    const again = run(['search', '--problem', 'zdt1', '--method', 'nsga2', '--max-evals', '10', '--out', out]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already holds a run; pass --resume/);
  });

  it('rejects bad arguments with a message naming them', () => {
    expect(run(['search', '--problem', 'nope', '--method', 'random', '--out', join(dir, 'x')]).err).toMatch(/unknown problem 'nope'/);
    expect(run(['search', '--problem', 'zdt1', '--method', 'nope', '--out', join(dir, 'y')]).err).toMatch(/unknown method 'nope'/);
    expect(run(['search', '--problem', 'zdt1', '--method', 'random']).err).toMatch(/--out DIR is required/);
    expect(run(['search', '--problem', 'zdt1', '--method', 'random', '--out', join(dir, 'z'), '--max-evals', '-3']).err).toMatch(/--max-evals must be an integer >= 1/);
    expect(run(['search', '--problem', 'zdt1', '--method', 'shemoa', '--preset', 'mars', '--out', join(dir, 'w')]).err).toMatch(/no preset 'mars'/);
    // option typos are errors for every method, with the nearest known name
    const typo = run(['search', '--problem', 'zdt1', '--method', 'mobohb', '--out', join(dir, 'v'), '--method-options', '{"etaa": 3}']);
    expect(typo.code).not.toBe(0);
    expect(typo.err).toMatch(/createMobohb: unknown option 'etaa' \(did you mean 'eta'\?\)/);
    expect(run(['search', '--problem', 'zdt1', '--method', 'msehvi', '--out', join(dir, 'u'), '--method-options', '{"nIinit": 3}']).err)
      .toMatch(/createMsehvi: unknown option 'nIinit' \(did you mean 'nInit'\?\)/);
  });

  it('--max-evals is a cap: the preset\'s schedule is kept and journalled as given', () => {
    const out = join(dir, 'cap');
    const r = run(['search', '--problem', 'zdt1', '--method', 'shemoa', '--preset', 'fashion', '--max-evals', '25', '--out', out, '-q']);
    expect(r.code, r.err).toBe(0);
    const ev = events(out);
    const head = ev[0] as Extract<StudyEvent, { type: 'study' }>;
    // the preset is journalled by name; the cap does not become the method's own total
    expect(head.meta.methodOptions).toEqual({ preset: 'fashion' });
    const asks = ev.filter((e) => e.type === 'ask') as Extract<StudyEvent, { type: 'ask' }>[];
    expect(asks.length).toBe(25);
    // the preset's population of 10 and its first steady-state steps, all at the first rung (5
    // epochs); re-planned over 25 evaluations, 10 members × 3 rungs would not even fit
    expect(asks.every((a) => a.budget === 5)).toBe(true);
  });

  it('survives kill -9 and continues with --resume without losing or repeating finished trials', async () => {
    const out = join(dir, 'killed');
    const args = ['search', '--problem', 'zdt1', '--method', 'mobohb', '--max-evals', '4000', '--seed', '3', '--out', out, '--method-options', '{"nInit": 10, "minPointsInModel": 10}'];
    const child = spawn(process.execPath, [bin, ...args], { stdio: 'ignore' });
    const journal = join(out, 'trials.jsonl');
    // kill it once a few hundred events are on disk
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 50));
      if (existsSync(journal) && readFileSync(journal, 'utf8').split('\n').length > 300) break;
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const before = events(out);
    const toldBefore = new Map<number, StudyEvent>();
    for (const e of before) if (e.type === 'tell') toldBefore.set(e.number, e);
    expect(toldBefore.size).toBeGreaterThan(100);
    expect(toldBefore.size).toBeLessThan(4000);

    const r = run(['search', '--resume', '--out', out, '--max-evals', '4000']);
    expect(r.code, r.err).toBe(0);
    const after = events(out);
    const asks = after.filter((e) => e.type === 'ask') as Extract<StudyEvent, { type: 'ask' }>[];
    const tells = after.filter((e) => e.type === 'tell') as Extract<StudyEvent, { type: 'tell' }>[];
    expect(asks.length).toBe(4000);
    expect(new Set(asks.map((a) => a.number)).size).toBe(4000);
    expect(new Set(tells.map((t) => t.number)).size).toBe(4000);
    // every trial finished before the kill is still there, unchanged, and was not run again
    for (const [n, e] of toldBefore) expect(tells.filter((t) => t.number === n)).toEqual([e]);
    expect(after.slice(0, before.length)).toEqual(before);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.evaluations).toBe(4000);
    // a trial running at the kill was evaluated again on resume, not failed
    expect(s.failed).toBe(0);
  });

  it('report prints a summary and writes front.svg and hv.svg for several runs', () => {
    const a = join(dir, 'rep-a'), b = join(dir, 'rep-b');
    expect(run(['search', '--problem', 'branincurrin', '--method', 'random', '--max-evals', '60', '--out', a, '-q']).code).toBe(0);
    expect(run(['search', '--problem', 'branincurrin', '--method', 'mobohb', '--max-evals', '60', '--out', b, '-q', '--method-options', '{"nInit": 8, "minPointsInModel": 8}']).code).toBe(0);
    const r = run(['report', a, b, '--out', join(dir, 'plots')]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/random on branincurrin/);
    expect(r.out).toMatch(/mobohb on branincurrin/);
    expect(r.out).toMatch(/hypervolume \d/);
    const front = readFileSync(join(dir, 'plots', 'front.svg'), 'utf8');
    const hv = readFileSync(join(dir, 'plots', 'hv.svg'), 'utf8');
    expect(front).toMatch(/^<svg/);
    expect(front).toMatch(/a \(maximise\)/);
    expect(front).toMatch(/b \(maximise\)/);
    expect((front.match(/<circle/g) ?? []).length).toBe(120);
    expect(hv).toMatch(/Hypervolume over evaluations/);
    expect(hv).toMatch(/Hypervolume over time/);
    expect((hv.match(/<polyline/g) ?? []).length).toBe(4);
    expect(run(['report', join(dir, 'nothing')]).err).toMatch(/no summary\.json/);
  });

  it('--concurrency 2 evaluates in two worker threads: every trial told once, values as in-process', () => {
    const pooled = join(dir, 'pooled'), local = join(dir, 'local');
    const args = ['--problem', 'zdt1', '--method', 'random', '--max-evals', '40', '--seed', '2', '--problem-options', '{"nVars": 4}'];
    const r = run(['search', ...args, '--concurrency', '2', '--out', pooled]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/zdt1: 2 trials at once, in 2 worker threads/);
    expect(r.err).toMatch(/40\/40 evaluations/);
    expect(run(['search', ...args, '--out', local, '-q']).code).toBe(0);
    const tells = (out: string) => events(out).filter((e) => e.type === 'tell') as Extract<StudyEvent, { type: 'tell' }>[];
    const asks = events(pooled).filter((e) => e.type === 'ask');
    expect(asks.length).toBe(40);
    const told = tells(pooled);
    expect(told.length).toBe(40);
    expect(new Set(told.map((t) => t.number)).size).toBe(40);
    expect(told.every((t) => t.state === 'complete')).toBe(true);
    // random search proposes regardless of the order of tells, and each trial has its own seed
    const byNumber = (ts: Extract<StudyEvent, { type: 'tell' }>[]) => ts.map((t) => [t.number, t.values]).sort((a, b) => (a[0] as number) - (b[0] as number));
    expect(byNumber(told)).toEqual(byNumber(tells(local)));
  });

  it('rejects a bad --device naming the option', () => {
    const r = run(['search', '--problem', 'zdt1', '--method', 'random', '--device', 'cuda', '--out', join(dir, 'dev')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--device must be one of auto, webgpu, wasm, got 'cuda'/);
    expect(existsSync(join(dir, 'dev'))).toBe(false);
  });

  it('evaluationPlan: flowers/fashion off WebGPU in workers, WebGPU and synthetic problems in this thread', () => {
    expect(evaluationPlan('flowers', {}, { concurrency: 3 })).toEqual({ workers: 3, concurrency: 3 });
    expect(evaluationPlan('fashion', { device: 'wasm' }).workers).toBeGreaterThanOrEqual(1);
    expect(evaluationPlan('fashion', { device: 'webgpu' }, { concurrency: 2 })).toEqual({ workers: 0, concurrency: 2 });
    expect(evaluationPlan('flowers', { device: 'webgpu' }, { workers: 2 })).toEqual({ workers: 0, concurrency: 2 });
    expect(evaluationPlan('zdt1', {}, { concurrency: 4 })).toEqual({ workers: 0, concurrency: 4 });
    expect(evaluationPlan('zdt1', {}, { workers: 2 })).toEqual({ workers: 2, concurrency: 2 });
    expect(evaluationPlan('flowers', {}, { workers: 0 })).toEqual({ workers: 0, concurrency: 1 });
    expect(() => evaluationPlan('zdt1', {}, { workers: 2, concurrency: 3 })).toThrow(/concurrency \(3\) must equal workers \(2\)/);
  });

  it('shows the running trials (epoch, loss, images/s, ETA), refreshed by a timer between trial ends', async () => {
    const chunks: string[] = [];
    const tty = { isTTY: true, columns: 120, write: (s: string) => chunks.push(s) };
    const progress = new Progress(2, undefined, false, tty);
    const ends: number[] = [];
    const { summary } = await runSearch({
      problem: 'fixture-pool',
      problemOptions: { modes: ['ok'], workMs: 3200, onEpoch: () => {} },
      method: 'random',
      out: join(dir, 'progress'),
      maxEvaluations: 2,
      workers: 2,
      workerModules: [new URL('../fixtures/pool-problems.ts', import.meta.url).href],
      onStart: (study, plan) => progress.start(study, plan),
      onProgress: (t, p) => progress.progress(t, p),
      onTrial: (t) => {
        ends.push(chunks.length);
        progress.trialDone(t);
      },
      onWarning: (m) => progress.note(`warning: ${m}\n`),
    });
    progress.stop();
    expect(summary.evaluations).toBe(2);
    // the function option could not reach the workers, and the search said so
    expect(chunks.slice(0, 2)).toEqual(['warning: problem options left out of the workers (not cloneable): onEpoch\n', 'fixture-pool: 2 trials at once, in 2 worker threads\n']);
    // before the first trial ended, the timer redrew the running trials at least twice, in place
    const before = chunks.slice(0, ends[0]).filter((c) => /#[01] {2}epoch [1-4]\/4 {2}loss \d/.test(c));
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(before[before.length - 1]).toMatch(/^\r\x1b\[[12]A\x1b\[J\[\.+\] 0\/2 evaluations .* ETA \d+s\n {2}#0 {2}epoch \d\/4 {2}loss [\d.]+ {2}\d+ img\/s {2}ETA \d+s\n {2}#1 {2}epoch/);
    expect(chunks[chunks.length - 1]).toMatch(/^\r(\x1b\[\dA)?\x1b\[J\[#+\] 2\/2 evaluations .*\n$/);
  });
});
