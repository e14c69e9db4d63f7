// Synthetic benchmark problems with known Pareto fronts, and a fidelity knob so that
// multi-fidelity methods can be tested cheaply: at budget b < maxBudget every objective carries
// seeded Gaussian noise with standard deviation noise * scale_k * (1 - b / maxBudget), zero at
// the full budget; an evaluation costs b / maxBudget.
import { Rng } from '../random/rng.ts';
import type { FloatParam } from '../space/params.ts';
import { SearchSpace } from '../space/space.ts';
import type { Config } from '../space/types.ts';
import type { Direction, EvaluateOptions, Evaluation, ObjectiveSpec, Problem } from './types.ts';

export interface FidelityOptions {
  /** smallest and largest budget (defaults 1 and 25, like epochs) */
  minBudget?: number;
  maxBudget?: number;
  /** noise standard deviation at budget 0, as a fraction of each objective's front range (default 0.1) */
  noise?: number;
}

/** FNV-1a over a string: a stable 32-bit hash for seeding per-configuration noise. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

abstract class SyntheticProblem implements Problem {
  abstract readonly name: string;
  readonly space: SearchSpace;
  readonly objectives: readonly ObjectiveSpec[];
  abstract readonly referencePoint: readonly number[];
  readonly minBudget: number;
  readonly maxBudget: number;
  protected readonly noise: number;
  protected abstract readonly scale: readonly number[];

  constructor(nVars: number, names: string[], direction: Direction, fidelity: FidelityOptions = {}, bounds: [number, number][] = []) {
    if (!Number.isInteger(nVars) || nVars < 1) throw new RangeError(`problem: number of variables must be a positive integer, got ${nVars}`);
    const params: FloatParam[] = Array.from({ length: nVars }, (_, i) => ({
      type: 'float', name: `x${i}`, lower: bounds[i]?.[0] ?? 0, upper: bounds[i]?.[1] ?? 1,
    }));
    this.space = new SearchSpace(params);
    this.objectives = names.map((name) => ({ name, direction }));
    this.minBudget = fidelity.minBudget ?? 1;
    this.maxBudget = fidelity.maxBudget ?? 25;
    this.noise = fidelity.noise ?? 0.1;
    if (!(this.minBudget > 0 && this.maxBudget >= this.minBudget)) {
      throw new RangeError(`problem: need 0 < minBudget <= maxBudget, got ${this.minBudget}, ${this.maxBudget}`);
    }
    if (!(this.noise >= 0)) throw new RangeError(`problem: noise must be >= 0, got ${this.noise}`);
  }

  protected abstract f(x: number[]): number[];

  evaluate(config: Config, options: EvaluateOptions = {}): Evaluation {
    const c = this.space.validate(config, `${this.name}.evaluate`);
    const budget = options.budget ?? this.maxBudget;
    if (!(budget >= this.minBudget && budget <= this.maxBudget)) {
      throw new RangeError(`${this.name}.evaluate: budget must be in [${this.minBudget}, ${this.maxBudget}], got ${budget}`);
    }
    const x = this.space.names.map((n) => c[n] as number);
    const values = this.f(x);
    const sd = this.noise * (1 - budget / this.maxBudget);
    if (sd > 0) {
      const rng = new Rng(hash32(`${options.seed ?? 0}|${budget}|${x.join(',')}`));
      for (let k = 0; k < values.length; k++) values[k] += sd * this.scale[k] * rng.normal();
    }
    return { values, cost: budget / this.maxBudget, metrics: { budget } };
  }
}

/**
 * Branin-Currin (Belakaria et al. 2019), as in the paper's code: two maximised metrics
 * a = -Branin(15 x0 - 5, 15 x1) and b = -Currin(x0, x1) on [0, 1]^2. The paper's thresholds
 * (a >= 0, b >= 8) are unattainable; the reference point here is BoTorch's (18, 6) negated.
 */
export class BraninCurrin extends SyntheticProblem {
  readonly name = 'branincurrin';
  readonly referencePoint = [-18, -6];
  protected readonly scale = [50, 4];
  constructor(fidelity?: FidelityOptions) {
    super(2, ['a', 'b'], 'maximize', fidelity);
  }
  protected f([x0, x1]: number[]): number[] {
    return [-branin(15 * x0 - 5, 15 * x1), -currin(x0, x1)];
  }
}

export function branin(u: number, v: number): number {
  const t = v - (5.1 / (4 * Math.PI * Math.PI)) * u * u + (5 / Math.PI) * u - 6;
  return t * t + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(u) + 10;
}

export function currin(x0: number, x1: number): number {
  const factor = x1 === 0 ? 1 : 1 - Math.exp(-1 / (2 * x1));
  return (factor * (2300 * x0 ** 3 + 1900 * x0 ** 2 + 2092 * x0 + 60)) / (100 * x0 ** 3 + 500 * x0 ** 2 + 4 * x0 + 20);
}

/** ZDT1-3 (Zitzler, Deb, Thiele 2000): n variables in [0, 1], two minimised objectives. */
abstract class Zdt extends SyntheticProblem {
  readonly referencePoint = [11, 11];
  protected readonly scale = [1, 1];
  constructor(nVars = 30, fidelity?: FidelityOptions) {
    super(nVars, ['f1', 'f2'], 'minimize', fidelity);
    if (nVars < 2) throw new RangeError(`ZDT: needs at least 2 variables, got ${nVars}`);
  }
  protected abstract h(f1: number, g: number): number;
  protected f(x: number[]): number[] {
    let s = 0;
    for (let i = 1; i < x.length; i++) s += x[i];
    const g = 1 + (9 * s) / (x.length - 1);
    return [x[0], g * this.h(x[0], g)];
  }
  protected frontF2(f1: number): number {
    return this.h(f1, 1);
  }
  /** n points of the Pareto front (g = 1), f1 evenly spaced over the front's f1 range. */
  paretoFront(n: number): Float64Array {
    const out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const f1 = n === 1 ? 0 : i / (n - 1);
      out[2 * i] = f1;
      out[2 * i + 1] = this.frontF2(f1);
    }
    return out;
  }
}

export class Zdt1 extends Zdt {
  readonly name = 'zdt1';
  protected h(f1: number, g: number): number {
    return 1 - Math.sqrt(f1 / g);
  }
}

export class Zdt2 extends Zdt {
  readonly name = 'zdt2';
  protected h(f1: number, g: number): number {
    return 1 - (f1 / g) ** 2;
  }
}

/** The f1 intervals of ZDT3's disconnected front. */
export const ZDT3_SEGMENTS: readonly [number, number][] = [
  [0, 0.0830015349],
  [0.1822287280, 0.2577623634],
  [0.4093136748, 0.4538821041],
  [0.6183967944, 0.6525117038],
  [0.8233317983, 0.8518328654],
];

export class Zdt3 extends Zdt {
  readonly name = 'zdt3';
  protected h(f1: number, g: number): number {
    return 1 - Math.sqrt(f1 / g) - (f1 / g) * Math.sin(10 * Math.PI * f1);
  }
  override paretoFront(n: number): Float64Array {
    const total = ZDT3_SEGMENTS.reduce((s, [a, b]) => s + (b - a), 0);
    const out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      let t = n === 1 ? 0 : (i / (n - 1)) * total;
      let f1 = ZDT3_SEGMENTS[ZDT3_SEGMENTS.length - 1][1];
      for (const [a, b] of ZDT3_SEGMENTS) {
        if (t <= b - a) {
          f1 = a + t;
          break;
        }
        t -= b - a;
      }
      out[2 * i] = f1;
      out[2 * i + 1] = this.frontF2(f1);
    }
    return out;
  }
}

/** DTLZ2 (Deb et al. 2002) with m objectives and m + k - 1 variables; its front is the unit sphere's positive part. */
export class Dtlz2 extends SyntheticProblem {
  readonly name = 'dtlz2';
  readonly referencePoint: number[];
  protected readonly scale: number[];
  readonly m: number;
  constructor(m = 3, k = 10, fidelity?: FidelityOptions) {
    if (!Number.isInteger(m) || m < 2) throw new RangeError(`DTLZ2: m must be an integer >= 2, got ${m}`);
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`DTLZ2: k must be a positive integer, got ${k}`);
    super(m + k - 1, Array.from({ length: m }, (_, i) => `f${i + 1}`), 'minimize', fidelity);
    this.m = m;
    this.referencePoint = new Array<number>(m).fill(2.5);
    this.scale = new Array<number>(m).fill(1);
  }
  protected f(x: number[]): number[] {
    const m = this.m;
    let g = 0;
    for (let i = m - 1; i < x.length; i++) g += (x[i] - 0.5) ** 2;
    const out: number[] = [];
    for (let j = 0; j < m; j++) {
      let v = 1 + g;
      for (let i = 0; i < m - 1 - j; i++) v *= Math.cos((x[i] * Math.PI) / 2);
      if (j > 0) v *= Math.sin((x[m - 1 - j] * Math.PI) / 2);
      out.push(v);
    }
    return out;
  }
  /** n points of the front: the first m - 1 variables on a seeded grid-free sample, g = 0. */
  paretoFront(n: number, seed = 0): Float64Array {
    const rng = new Rng(seed);
    const out = new Float64Array(n * this.m);
    for (let i = 0; i < n; i++) {
      const x = Array.from({ length: this.m - 1 }, () => rng.random()).concat(new Array<number>(this.space.dim - this.m + 1).fill(0.5));
      out.set(this.f(x), i * this.m);
    }
    return out;
  }
}
