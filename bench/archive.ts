// Incremental Pareto archive benchmark: 100,000 insertions of seeded streams in 2-D and 3-D
// (noisy spheres that keep a sizeable front, and a uniform cube), the archive's total time
// against recomputing the front and its hypervolume from scratch after every insertion. The
// recomputation is timed on a sample (the insertions 500, 1500, ..., 99,500, each one standing
// for the 1,000 insertions around it) and extrapolated; the archive is checked against it at
// every sampled insertion before it is timed.
import { ParetoArchive, hypervolume, nonDominatedPoints } from '../src/index.ts';
import { Rng } from '../src/random/rng.ts';
import { checkAgree, machine, time } from './harness.ts';

const N = 100_000;
const EVERY = 1_000;

interface Stream {
  name: string;
  d: number;
  points: Float64Array;
  ref: number[];
}

/** Points on the positive unit sphere pushed outwards by up to `noise` (relative). */
function noisySphere(rng: Rng, n: number, d: number, noise: number): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let j = 0; j < d; j++) {
      const v = Math.abs(rng.normal());
      out[i * d + j] = v;
      norm += v * v;
    }
    const r = (1 + noise * rng.random()) / Math.sqrt(norm);
    for (let j = 0; j < d; j++) out[i * d + j] *= r;
  }
  return out;
}

function cube(rng: Rng, n: number, d: number): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < out.length; i++) out[i] = rng.random();
  return out;
}

function streams(): Stream[] {
  const rng = new Rng(2025);
  return [
    { name: 'sphere, noise 0.1%', d: 2, points: noisySphere(rng, N, 2, 0.001), ref: [1.1, 1.1] },
    { name: 'uniform square', d: 2, points: cube(rng, N, 2), ref: [1.1, 1.1] },
    { name: 'sphere, noise 5%', d: 3, points: noisySphere(rng, N, 3, 0.05), ref: [1.1, 1.1, 1.1] },
    { name: 'uniform cube', d: 3, points: cube(rng, N, 3), ref: [1.1, 1.1, 1.1] },
  ];
}

/** Insert the whole stream into a fresh archive; returns its final size and hypervolume. */
function runArchive(s: Stream): { size: number; hv: number } {
  const a = new ParetoArchive(s.d, s.ref);
  try {
    for (let i = 0; i < N; i++) a.insert(s.points.subarray(i * s.d, (i + 1) * s.d));
    return { size: a.size, hv: a.hypervolume };
  } finally {
    a.dispose();
  }
}

/** Sort rows lexicographically (to compare two fronts as sets). */
function sortedRows(pts: Float64Array, d: number): number[] {
  const rows: number[][] = [];
  for (let i = 0; i < pts.length; i += d) rows.push(Array.from(pts.subarray(i, i + d)));
  rows.sort((x, y) => {
    for (let j = 0; j < d; j++) if (x[j] !== y[j]) return x[j] - y[j];
    return 0;
  });
  return rows.flat();
}

/**
 * One pass that inserts the stream and, at every sampled insertion, recomputes the front and
 * its hypervolume from scratch (timed) and checks the archive against them. Returns the mean
 * seconds of one recomputation over the samples.
 */
function checkAndTimeRecompute(s: Stream): number {
  const { d, ref } = s;
  const a = new ParetoArchive(d, ref);
  let total = 0, samples = 0;
  try {
    // Warm the kernels up once.
    hypervolume(nonDominatedPoints(s.points.subarray(0, EVERY * d), d, { keepDuplicates: false }), d, ref);
    for (let i = 0; i < N; i++) {
      a.insert(s.points.subarray(i * d, (i + 1) * d));
      const k = i + 1;
      if (k % EVERY !== EVERY / 2) continue;
      const t0 = performance.now();
      const front = nonDominatedPoints(s.points.subarray(0, k * d), d, { keepDuplicates: false });
      const hv = hypervolume(front, d, ref);
      total += (performance.now() - t0) / 1000;
      samples++;
      if (a.size !== front.length / d) throw new Error(`${s.name}: front size ${a.size} vs ${front.length / d} after ${k}`);
      checkAgree(`${s.name}: hypervolume after ${k}`, [a.hypervolume], [hv], 1e-12);
    }
    const all = nonDominatedPoints(s.points, d, { keepDuplicates: false });
    checkAgree(`${s.name}: final front`, sortedRows(a.front().points, d), sortedRows(all, d), 0);
    checkAgree(`${s.name}: final hypervolume`, [a.hypervolume], [hypervolume(s.points, d, ref)], 1e-12);
  } finally {
    a.dispose();
  }
  return total / samples;
}

const fmt = (s: number): string => (s < 1e-3 ? `${(s * 1e6).toFixed(2)} µs` : s < 1 ? `${(s * 1e3).toFixed(2)} ms` : `${s.toFixed(2)} s`);

/** The benchmark as Markdown lines. */
export function benchArchive(): string[] {
  const lines = [
    `${N.toLocaleString('en')} insertions per stream; recomputation = nonDominatedPoints + hypervolume of all points so far, ` +
      `timed at every ${EVERY.toLocaleString('en')}th insertion (500, 1500, ...) and extrapolated x${EVERY}; archive = median of warm runs.`,
    '',
    '| stream | d | final front | archive total | archive per insertion | recompute per insertion (sampled mean) | recompute total (extrapolated) | speed-up |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const s of streams()) {
    const perRecompute = checkAndTimeRecompute(s);
    const t = time(() => runArchive(s), 3, 15);
    const recomputeTotal = perRecompute * N;
    lines.push(
      `| ${s.name} | ${s.d} | ${t.result.size.toLocaleString('en')} | ${fmt(t.median)} | ${fmt(t.median / N)} | ` +
        `${fmt(perRecompute)} | ${fmt(recomputeTotal)} | ${(recomputeTotal / t.median).toFixed(0)}x |`,
    );
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`# Incremental Pareto archive on ${machine()}`);
  console.log('\n## ParetoArchive vs recomputation from scratch (results checked before timing)\n');
  for (const l of benchArchive()) console.log(l);
}
