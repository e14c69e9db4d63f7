// `paretonas experiment` end to end on synthetic problems: the grid runs as real search
// processes, the report's numbers are recomputed here from the runs' journals, and a grid whose
// driver is killed (-9) mid-way finishes on --resume with every trial told once.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rankSum } from '../../src/math/ranksum.ts';
import { hypervolume } from '../../src/pareto/hypervolume.ts';
import { parseJournal } from '../../src/study/journal.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/paretonas.js');

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function tells(dir: string) {
  const { events } = parseJournal(readFileSync(join(dir, 'trials.jsonl'), 'utf8'), dir);
  return events.filter((e) => e.type === 'tell') as Extract<(typeof events)[number], { type: 'tell' }>[];
}

/** The final hypervolume of a run from its journal, w.r.t. ZDT1's reference point (11, 11). */
function finalHv(dir: string): number {
  const pts = tells(dir).filter((t) => t.state === 'complete').flatMap((t) => t.values!);
  return hypervolume(new Float64Array(pts), 2, [11, 11]);
}

describe('paretonas experiment', () => {
  it('runs methods x seeds with one budget and reports what the journals say', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'paretonas-exp-')), 'e');
    const r = run(['experiment', '-p', 'zdt1', '-m', 'shemoa,random', '-s', '3', '--max-evals', '40', '-o', out, '-c', '2']);
    expect(r.code, r.err).toBe(0);
    for (const f of ['experiment.md', 'hv-time.svg', 'attainment.svg', 'eafdiff.svg']) expect(r.out).toContain(join(out, f));
    expect(r.err).toMatch(/random seed 3: finished, 40 evaluations/);
    const finals: Record<string, number[]> = { shemoa: [], random: [] };
    for (const method of ['shemoa', 'random']) {
      for (const seed of [1, 2, 3]) {
        const dir = join(out, `${method}-seed${seed}`);
        expect(existsSync(join(dir, 'complete'))).toBe(true);
        expect(tells(dir).length).toBe(40);
        finals[method].push(finalHv(dir));
      }
    }
    const md = readFileSync(join(out, 'experiment.md'), 'utf8');
    const fmt = (v: number) => String(Number(v.toPrecision(5)));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
    expect(md).toContain(`| shemoa | 3 | ${fmt(median(finals.shemoa))} [`);
    expect(md).toContain(`| random | 3 | ${fmt(median(finals.random))} [`);
    expect(md).toContain(`| ${fmt(rankSum(finals.shemoa, finals.random).p)} |`);
    for (const [method, fs] of Object.entries(finals)) fs.forEach((v, i) => expect(md).toContain(`| ${method} seed ${i + 1} | 40 complete | ${fmt(v)} |`));
    const svg = readFileSync(join(out, 'hv-time.svg'), 'utf8');
    expect(svg.match(/<polygon /g)?.length).toBe(2); // one quartile band per method
    expect(readFileSync(join(out, 'eafdiff.svg'), 'utf8')).toMatch(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="#(2166ac|b2182b)"/);
  }, 120_000);

  it('a driver killed with -9 mid-grid finishes on --resume: finished runs untouched, every trial told once', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'paretonas-exp-')), 'k');
    const args = ['experiment', '-p', 'zdt1', '-m', 'random', '-s', '4', '--max-evals', '1500', '-o', out, '-c', '1', '-q'];
    const child = spawn(process.execPath, [bin, ...args], { stdio: 'ignore' });
    const first = join(out, 'random-seed1');
    const deadline = Date.now() + 60_000;
    while (!existsSync(join(first, 'complete')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(join(first, 'complete'))).toBe(true);
    // Wait until the second run has started, then kill the driver (its search process lives on).
    const second = join(out, 'random-seed2');
    while (!existsSync(join(second, 'trials.jsonl')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    const firstJournal = readFileSync(join(first, 'trials.jsonl'));
    expect(existsSync(join(out, 'random-seed4', 'complete'))).toBe(false);

    const r = run(['experiment', '--resume', '-o', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/4 runs \(1 finished before\)/);
    expect(readFileSync(join(first, 'trials.jsonl')).equals(firstJournal)).toBe(true);
    for (const seed of [1, 2, 3, 4]) {
      const t = tells(join(out, `random-seed${seed}`));
      expect(t.length, `seed ${seed}`).toBe(1500);
      expect(new Set(t.map((e) => e.number)).size).toBe(1500);
    }
    expect(readFileSync(join(out, 'experiment.md'), 'utf8')).toContain('| random | 4 |');
  }, 180_000);

  it('names what is wrong', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'paretonas-exp-')), 'bad');
    expect(run(['experiment', '-p', 'zdt1', '-m', 'random', '-o', out]).err).toMatch(/give every run a budget: --max-evals N or --max-seconds S/);
    expect(run(['experiment', '--resume', '-o', out]).err).toMatch(/--resume: .*experiment\.json does not exist/);
    expect(run(['experiment', '-p', 'zdt1', '-m', 'random', '--max-evals', '0', '-o', out]).err).toMatch(/--max-evals must be a positive integer, got '0'/);
    expect(run(['experiment', '-p', 'zdt1', '-m', 'random', '--max-evals', '5', '-s', '1', '-o', out, '--compare', 'random,mobohb']).err)
      .toMatch(/--compare must name two of the experiment's methods \(random\), got 'random,mobohb'/);
  });
});
