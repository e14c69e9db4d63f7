import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseJournal } from '../../src/study/journal.ts';
import type { StudyEvent } from '../../src/study/events.ts';

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
    expect(s.failed).toBeLessThanOrEqual(1); // at most the one trial running at the kill
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
});
