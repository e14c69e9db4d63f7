// NSGA-II (Deb, Pratap, Agarwal, Meyarivan 2002): generational, binary tournament on
// (rank, crowding distance), simulated binary crossover and polynomial mutation in the
// search space's unit-cube encoding, elitist survival by non-dominated sorting and crowding.
// Choices and integers are varied on their unit coordinate and decoded (rounded) by the space;
// a coordinate that is inactive in a parent (NaN) is redrawn uniformly when it becomes active.
import { crowdingDistance } from '../../pareto/crowdingDistance.ts';
import { ndsort } from '../../pareto/ndsort.ts';
import { Rng } from '../../random/rng.ts';
import type { Config } from '../../space/types.ts';
import { mergeOptions, type CommonOptions, type OptionRules } from '../options.ts';
import type { AskResult, FinishedTrial, Optimizer, OptimizerFactory } from '../types.ts';

/** NSGA-II is not one of the paper's methods: it has no 'paper' variant and no presets. */
export interface Nsga2Options extends CommonOptions {
  populationSize?: number;
  /** crossover probability per pair (default 0.9) and SBX distribution index (default 15) */
  crossoverProb?: number;
  crossoverEta?: number;
  /** mutation probability per coordinate (default 1 / dimension) and distribution index (default 20) */
  mutationProb?: number;
  mutationEta?: number;
  /** stop after this many generations (default: never; the study's caps stop it) */
  generations?: number;
}

interface Member {
  u: Float64Array;
  params: Config;
  values: number[];
}

/** How NSGA-II reads its options. */
export const NSGA2_OPTIONS: OptionRules<Nsga2Options> = {
  fn: 'createNsga2',
  known: ['populationSize', 'crossoverProb', 'crossoverEta', 'mutationProb', 'mutationEta', 'generations'],
  variants: ['fixed'],
};

export const createNsga2: OptimizerFactory<Nsga2Options> = (ctx, options = {}) => {
  const { values: o, check } = mergeOptions(NSGA2_OPTIONS, ctx, options);
  const N = check.int('populationSize', o.populationSize ?? 50, 4);
  const dim = ctx.space.dim;
  const pc = check.probability('crossoverProb', o.crossoverProb ?? 0.9);
  const etaC = check.number('crossoverEta', o.crossoverEta ?? 15, { min: 0 });
  const pm = check.probability('mutationProb', o.mutationProb ?? 1 / Math.max(1, dim));
  const etaM = check.number('mutationEta', o.mutationEta ?? 20, { min: 0 });
  const maxGen = o.generations === undefined ? Infinity : check.int('generations', o.generations, 1);
  const rng = new Rng(ctx.seed);

  let population: Member[] = [];
  let generation = 0;
  /** the current generation's candidates: unit vectors waiting to be asked, then results */
  let batch: Float64Array[] = [];
  let nextInBatch = 0;
  const pending = new Map<number, Float64Array>();
  const results: Member[] = [];

  const decode = (u: Float64Array): Config => {
    const filled = u.map((x) => (Number.isNaN(x) ? rng.random() : x));
    return ctx.space.decode(filled);
  };
  const encodeFilled = (params: Config): Float64Array => ctx.space.encode(params);

  const initialBatch = () => {
    batch = Array.from({ length: N }, () => {
      const u = new Float64Array(dim);
      for (let i = 0; i < dim; i++) u[i] = rng.random();
      return u;
    });
  };

  /** rank and crowding of the population, for tournaments */
  let rank: Int32Array = new Int32Array(0);
  let crowd: Float64Array = new Float64Array(0);
  const rankPopulation = () => {
    const pts = new Float64Array(population.length * ctx.nObj);
    population.forEach((m, i) => pts.set(m.values, i * ctx.nObj));
    rank = population.length > 0 ? ndsort(pts, ctx.nObj) : new Int32Array(0);
    crowd = new Float64Array(population.length);
    const fronts = new Map<number, number[]>();
    rank.forEach((r, i) => fronts.set(r, [...(fronts.get(r) ?? []), i]));
    for (const idx of fronts.values()) {
      const fp = new Float64Array(idx.length * ctx.nObj);
      idx.forEach((i, j) => fp.set(population[i].values, j * ctx.nObj));
      const cd = crowdingDistance(fp, ctx.nObj);
      idx.forEach((i, j) => (crowd[i] = cd[j]));
    }
  };

  const tournament = (): Member => {
    const a = rng.int(population.length), b = rng.int(population.length);
    if (rank[a] !== rank[b]) return population[rank[a] < rank[b] ? a : b];
    if (crowd[a] !== crowd[b]) return population[crowd[a] > crowd[b] ? a : b];
    return population[rng.random() < 0.5 ? a : b];
  };

  const sbx = (x1: number, x2: number): [number, number] => {
    if (Number.isNaN(x1) || Number.isNaN(x2)) return [Number.isNaN(x1) ? x2 : x1, Number.isNaN(x2) ? x1 : x2];
    if (Math.abs(x1 - x2) < 1e-14) return [x1, x2];
    const lo = Math.min(x1, x2), hi = Math.max(x1, x2);
    const u = rng.random();
    const spread = (beta: number) => {
      const alpha = 2 - Math.pow(beta, -(etaC + 1));
      return u <= 1 / alpha ? Math.pow(u * alpha, 1 / (etaC + 1)) : Math.pow(1 / (2 - u * alpha), 1 / (etaC + 1));
    };
    const b1 = spread(1 + (2 * lo) / (hi - lo));
    const b2 = spread(1 + (2 * (1 - hi)) / (hi - lo));
    let c1 = 0.5 * (lo + hi - b1 * (hi - lo));
    let c2 = 0.5 * (lo + hi + b2 * (hi - lo));
    c1 = Math.min(1, Math.max(0, c1));
    c2 = Math.min(1, Math.max(0, c2));
    return rng.random() < 0.5 ? [c2, c1] : [c1, c2];
  };

  const mutate = (x: number): number => {
    if (Number.isNaN(x) || rng.random() >= pm) return x;
    const u = rng.random();
    const d1 = x, d2 = 1 - x;
    let dq: number;
    if (u < 0.5) dq = Math.pow(2 * u + (1 - 2 * u) * Math.pow(1 - d1, etaM + 1), 1 / (etaM + 1)) - 1;
    else dq = 1 - Math.pow(2 * (1 - u) + 2 * (u - 0.5) * Math.pow(1 - d2, etaM + 1), 1 / (etaM + 1));
    return Math.min(1, Math.max(0, x + dq));
  };

  const offspringBatch = () => {
    rankPopulation();
    batch = [];
    while (batch.length < N) {
      const p1 = tournament().u, p2 = tournament().u;
      const c1 = new Float64Array(dim), c2 = new Float64Array(dim);
      const cross = rng.random() < pc;
      for (let i = 0; i < dim; i++) {
        const [a, b] = cross && rng.random() < 0.5 ? sbx(p1[i], p2[i]) : [p1[i], p2[i]];
        c1[i] = mutate(a);
        c2[i] = mutate(b);
      }
      batch.push(c1);
      if (batch.length < N) batch.push(c2);
    }
  };

  const survive = () => {
    const all = [...population, ...results];
    results.length = 0;
    if (all.length <= N) {
      population = all;
      return;
    }
    const pts = new Float64Array(all.length * ctx.nObj);
    all.forEach((m, i) => pts.set(m.values, i * ctx.nObj));
    const r = ndsort(pts, ctx.nObj);
    const order = all.map((_, i) => i).sort((a, b) => r[a] - r[b] || a - b);
    const next: Member[] = [];
    let i = 0;
    while (i < order.length && next.length < N) {
      let j = i;
      while (j < order.length && r[order[j]] === r[order[i]]) j++;
      const front = order.slice(i, j);
      if (next.length + front.length <= N) {
        for (const k of front) next.push(all[k]);
      } else {
        const fp = new Float64Array(front.length * ctx.nObj);
        front.forEach((k, q) => fp.set(all[k].values, q * ctx.nObj));
        const cd = crowdingDistance(fp, ctx.nObj);
        const byCrowd = front.map((k, q) => [k, cd[q]] as const).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
        for (const [k] of byCrowd.slice(0, N - next.length)) next.push(all[k]);
      }
      i = j;
    }
    population = next;
  };

  initialBatch();
  const opt: Optimizer = {
    method: 'nsga2',
    ask(number: number): AskResult {
      if (nextInBatch >= batch.length) {
        if (pending.size > 0) return { kind: 'wait' };
        if (generation + 1 >= maxGen) return { kind: 'done' };
        // Every candidate of this generation is back: select and breed the next one.
        survive();
        generation++;
        if (population.length === 0) initialBatch();
        else offspringBatch();
        nextInBatch = 0;
      }
      const u = batch[nextInBatch++];
      const params = decode(u);
      pending.set(number, encodeFilled(params));
      return { kind: 'suggest', suggestion: { params, budget: ctx.maxBudget, info: { generation } } };
    },
    tell(t: FinishedTrial): void {
      const u = pending.get(t.number);
      if (!u) return;
      pending.delete(t.number);
      if (t.state === 'complete' && t.values) results.push({ u, params: t.params, values: t.values });
    },
  };
  return opt;
};
