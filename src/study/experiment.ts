// The analysis of an experiment (`paretonas experiment`): several methods, several seeds each, on
// one problem with one budget. Every run's hypervolume over time is recomputed from its journal
// with one reference point for all runs (ParetoArchive), so the runs compare; then per method the
// median and quartiles over seeds on a common time grid, the final hypervolumes with a rank-sum
// test of each method against Random Search, the median attainment surface of each method, and
// the EAF difference of two methods (first two objectives).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rankSum } from '../math/ranksum.ts';
import { ParetoArchive } from '../pareto/archive.ts';
import { eaf, eafDiff } from '../pareto/eaf.ts';
import { parseJournal } from './journal.ts';
import type { StudyMeta } from './events.ts';

export interface ExperimentRun {
  method: string;
  seed: number;
  dir: string;
}

export interface RunCurve {
  run: ExperimentRun;
  /** [seconds, evaluations, hypervolume] after each complete trial */
  steps: [number, number, number][];
  /** objective values of the complete trials, in their own directions */
  points: number[][];
  finalHv: number;
}

export interface MethodBand {
  method: string;
  /** time grid (seconds) */
  t: number[];
  q1: number[];
  median: number[];
  q3: number[];
}

export interface MethodFinal {
  method: string;
  finals: number[];
  median: number;
  q1: number;
  q3: number;
  /** two-sided rank-sum p-value against Random Search (absent for Random Search itself or without it) */
  pVsRandom?: number;
}

export interface ExperimentAnalysis {
  objectives: string[];
  directions: string[];
  referencePoint: number[];
  curves: RunCurve[];
  bands: MethodBand[];
  finals: MethodFinal[];
  /** per method, the median attainment surface (first two objectives), row-major pairs */
  medianSurfaces: { method: string; points: number[] }[];
  /** EAF difference of two methods: rows [xmin, ymin, xmax, ymax, diff] (diff > 0: the first attains more) */
  diff?: { a: string; b: string; rects: number[] };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** A run's complete trials from its journal; throws naming the directory when it has none. */
function readRun(run: ExperimentRun): { meta: StudyMeta; trials: { seconds: number; values: number[] }[] } {
  const file = join(run.dir, 'trials.jsonl');
  if (!existsSync(file)) throw new Error(`${run.dir}: no trials.jsonl`);
  let meta: StudyMeta | undefined;
  let start = 0;
  const trials: { seconds: number; values: number[] }[] = [];
  for (const ev of parseJournal(readFileSync(file, 'utf8'), file).events) {
    if (ev.type === 'study') {
      meta = ev.meta;
      start = ev.time;
    } else if (ev.type === 'tell' && ev.state === 'complete' && ev.values) {
      trials.push({ seconds: (ev.time - start) / 1000, values: ev.values });
    }
  }
  if (!meta) throw new Error(`${file}: no study event`);
  return { meta, trials };
}

/** Analyse the runs; `compare` names the two methods of the EAF difference (default: the first method against random). */
export function analyseExperiment(runs: readonly ExperimentRun[], compare?: [string, string]): ExperimentAnalysis {
  if (runs.length === 0) throw new Error('analyseExperiment: no runs');
  const read = runs.map(readRun);
  const meta = read[0].meta;
  const d = meta.objectiveNames.length;
  const maximise = meta.directions.map((x) => x === 'maximize');
  const curves: RunCurve[] = runs.map((run, i) => {
    const archive = new ParetoArchive(d, meta.referencePoint, { maximise });
    const steps: [number, number, number][] = [];
    try {
      read[i].trials.forEach((t, k) => {
        archive.insert(t.values);
        steps.push([t.seconds, k + 1, archive.hypervolume]);
      });
    } finally {
      archive.dispose();
    }
    return { run, steps, points: read[i].trials.map((t) => t.values), finalHv: steps.length ? steps[steps.length - 1][2] : 0 };
  });

  const methods = [...new Set(runs.map((r) => r.method))];
  const horizon = Math.max(...curves.map((c) => (c.steps.length ? c.steps[c.steps.length - 1][0] : 0)), 1e-9);
  const grid = Array.from({ length: 101 }, (_, k) => (horizon * k) / 100);
  const at = (c: RunCurve, t: number) => {
    let v = 0;
    for (const s of c.steps) {
      if (s[0] > t) break;
      v = s[2];
    }
    return v;
  };
  const bands: MethodBand[] = methods.map((method) => {
    const mine = curves.filter((c) => c.run.method === method);
    const q1: number[] = [], median: number[] = [], q3: number[] = [];
    for (const t of grid) {
      const vs = mine.map((c) => at(c, t)).sort((a, b) => a - b);
      q1.push(quantile(vs, 0.25));
      median.push(quantile(vs, 0.5));
      q3.push(quantile(vs, 0.75));
    }
    return { method, t: grid, q1, median, q3 };
  });

  const randomFinals = curves.filter((c) => c.run.method === 'random').map((c) => c.finalHv);
  const finals: MethodFinal[] = methods.map((method) => {
    const fs = curves.filter((c) => c.run.method === method).map((c) => c.finalHv);
    const sorted = [...fs].sort((a, b) => a - b);
    const out: MethodFinal = { method, finals: fs, median: quantile(sorted, 0.5), q1: quantile(sorted, 0.25), q3: quantile(sorted, 0.75) };
    if (method !== 'random' && randomFinals.length > 0) out.pVsRandom = rankSum(fs, randomFinals).p;
    return out;
  });

  const analysis: ExperimentAnalysis = {
    objectives: meta.objectiveNames, directions: meta.directions, referencePoint: meta.referencePoint,
    curves, bands, finals, medianSurfaces: [],
  };
  if (d >= 2) {
    const two = maximise.slice(0, 2);
    const collect = (method: string) => {
      const mine = curves.filter((c) => c.run.method === method && c.points.length > 0);
      const points = mine.flatMap((c) => c.points.flatMap((p) => [p[0], p[1]]));
      const labels = mine.flatMap((c, i) => c.points.map(() => i));
      return { points: new Float64Array(points), labels };
    };
    for (const method of methods) {
      const { points, labels } = collect(method);
      if (labels.length === 0) continue;
      const [surface] = eaf(points, 2, labels, { percentiles: [50], maximise: two });
      analysis.medianSurfaces.push({ method, points: Array.from(surface.points) });
    }
    const pair = compare ?? (methods.includes('random') && methods[0] !== 'random' ? [methods[0], 'random'] : methods.length >= 2 ? [methods[0], methods[1]] : undefined);
    if (pair) {
      const a = collect(pair[0]), b = collect(pair[1]);
      if (a.labels.length > 0 && b.labels.length > 0) {
        analysis.diff = { a: pair[0], b: pair[1], rects: Array.from(eafDiff(a.points, a.labels, b.points, b.labels, 2, { maximise: two })) };
      }
    }
  }
  return analysis;
}
