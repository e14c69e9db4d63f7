// The shared benchmark harness: correctness checks before timing, first call timed apart,
// medians of warm runs, and side-by-side anchors (external programs) in the same run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Timing {
  /** seconds of the first call (includes compilation / warm-up effects) */
  first: number;
  /** median seconds of the warm calls */
  median: number;
  runs: number[];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Time `fn`: one first call, then `runs` warm calls (stopping early after `budgetS` seconds). */
export function time<T>(fn: () => T, runs = 7, budgetS = 20): Timing & { result: T } {
  let t0 = performance.now();
  const result = fn();
  const first = (performance.now() - t0) / 1000;
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    t0 = performance.now();
    fn();
    times.push((performance.now() - t0) / 1000);
    if ((performance.now() - start) / 1000 > budgetS && times.length >= 3) break;
  }
  return { first, median: median(times), runs: times, result };
}

const scratch = mkdtempSync(join(tmpdir(), 'paretonas-bench-'));

/** Write points in moocore's input format (shortest round-trip decimal form). */
export function writePoints(name: string, pts: Float64Array, d: number): string {
  const lines: string[] = [];
  for (let i = 0; i < pts.length; i += d) lines.push(Array.from(pts.subarray(i, i + d), String).join(' '));
  const path = join(scratch, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** An external anchor run: the values it printed and the kernel time from its `# Time:` line. */
export interface AnchorRun {
  values: number[];
  seconds: number;
}

/** Run a program that prints `# Time: <s> seconds`; returns the median over `runs` and the values. */
export function runAnchor(cmd: string, args: string[], runs = 5): { values: number[]; median: number; runs: number[] } {
  const times: number[] = [];
  let values: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0 && !r.stdout) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    let t = 0;
    const vals: number[] = [];
    // The time line may come on either stream (moocore: stdout; some drivers: stderr).
    for (const line of `${r.stdout}\n${r.stderr}`.split('\n')) {
      const m = /^# Time: ([0-9.eE+-]+) seconds/.exec(line);
      if (m) t += Number(m[1]);
      else if (line.trim() !== '' && !line.startsWith('#') && /^[-+0-9.]/.test(line.trim())) vals.push(Number(line.trim().split(/\s+/)[0]));
    }
    times.push(t);
    values = vals;
  }
  return { values, median: median(times), runs: times };
}

export function relDiff(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

/** Throw unless two value lists agree to `rel` relative (absolute `abs` near zero). */
export function checkAgree(what: string, ours: ArrayLike<number>, theirs: ArrayLike<number>, rel = 1e-12, abs = 0): void {
  if (ours.length !== theirs.length) throw new Error(`${what}: ${ours.length} values vs ${theirs.length}`);
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i], b = theirs[i];
    if (Math.abs(a - b) > rel * Math.max(Math.abs(a), Math.abs(b)) + abs) {
      throw new Error(`${what}: value ${i} differs: ${a} vs ${b}`);
    }
  }
}

export function machine(): string {
  const c = cpus();
  return `${c.length} x ${c[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
}

export interface Row {
  kernel: string;
  set: string;
  n: number;
  d: number;
  first: number;
  median: number;
  anchor?: number;
  anchorName?: string;
  target?: number;
}

const fmt = (s: number | undefined) => (s === undefined ? '—' : s < 0.01 ? `${(s * 1000).toFixed(3)} ms` : `${s.toFixed(4)} s`);

/** Print rows as a Markdown table. */
export function printTable(title: string, rows: Row[]): void {
  console.log(`\n### ${title}\n`);
  console.log('| kernel | set | n | d | first call | median | anchor | anchor median | ratio (ours/anchor) |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = r.anchor ? (r.median / r.anchor).toFixed(2) + (r.target && r.median / r.anchor > r.target ? ' (misses ' + r.target + 'x)' : '') : '—';
    console.log(`| ${r.kernel} | ${r.set} | ${r.n} | ${r.d} | ${fmt(r.first)} | ${fmt(r.median)} | ${r.anchorName ?? '—'} | ${fmt(r.anchor)} | ${ratio} |`);
  }
}
