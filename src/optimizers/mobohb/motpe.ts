// MO-TPE (Ozaki et al. 2020) as MO-BOHB's config generator uses it (docs/methods.md#mobohb-sampler, docs/methods.md#mobohb-motpe): every
// hyperparameter is drawn independently from a good/bad pair of Parzen estimators in the
// unit-cube encoding of the search space.
import type { Rng } from '../../random/rng.ts';
import type { SearchSpace } from '../../space/space.ts';
import type { Config, ParamValue } from '../../space/types.ts';
import { ParzenEstimator } from '../../surrogates/parzen.ts';
import { splitGoodBad } from './split.ts';
import type { MobohbVariant } from './types.ts';

/** A completed evaluation as the model sees it: the configuration and its minimised objectives. */
export interface Observation {
  config: Readonly<Config>;
  y: Float64Array;
}

/**
 * How one hyperparameter lives in the sampler's [0, 1] coordinates.
 *  - discrete (linear-scale integers, categorical and ordinal choices): k values at the cell
 *    centres (j + 1/2)/k, q = 1/k, support [0, 1]. This is the reference code's
 *    q = 1/(hi - lo), [-q/2, 1 + q/2] rescaled to [0, 1] (docs/methods.md#mobohb-motpe) and the space's own unit
 *    encoding of choices. Unordered categoricals get the same treatment (the uniform space of
 *    the paper has none; the spec asks for the unit encoding with a q here).
 *  - continuous (floats, log-scale integers): the space's unit encoding (toUnit), on
 *    'fixed': the whole cube [0, 1] (the prior's range, ints widened by 0.49999 as ConfigSpace
 *      samples them);
 *    'paper': [toUnit(lower), toUnit(upper)], i.e. the reference code's (v - lo)/(hi - lo)
 *      (log scale: of ln v) without the integer widening, up to an affine map.
 *  - constant: no model, the value itself.
 */
export interface HpCoding {
  name: string;
  kind: 'discrete' | 'continuous' | 'constant';
  lb: number;
  ub: number;
  /** discrete: grid step 1/k */
  q?: number;
  /** discrete: number of values */
  k: number;
}

export function hpCoding(space: SearchSpace, name: string, variant: MobohbVariant): HpCoding {
  const p = space.get(name);
  switch (p.type) {
    case 'constant':
      return { name, kind: 'constant', lb: 0, ub: 1, k: 1 };
    case 'categorical':
    case 'ordinal': {
      const k = p.type === 'categorical' ? p.choices.length : p.sequence.length;
      return { name, kind: 'discrete', lb: 0, ub: 1, q: 1 / k, k };
    }
    case 'int':
      if (!p.log) {
        const k = p.upper - p.lower + 1;
        return { name, kind: 'discrete', lb: 0, ub: 1, q: 1 / k, k };
      }
    // falls through: log-scale integers are continuous in the sampler (docs/methods.md#mobohb-motpe)
    case 'float':
      if (variant === 'paper') return { name, kind: 'continuous', lb: space.toUnit(name, p.lower), ub: space.toUnit(name, p.upper), k: 0 };
      return { name, kind: 'continuous', lb: 0, ub: 1, k: 0 };
  }
}

/** The sampler coordinate of a value. */
export function encodeValue(space: SearchSpace, c: HpCoding, value: ParamValue): number {
  if (c.kind === 'constant') return 0.5;
  if (c.kind === 'discrete') {
    const p = space.get(c.name);
    const idx = p.type === 'int' ? (value as number) - p.lower : p.type === 'categorical' ? p.choices.indexOf(value) : p.type === 'ordinal' ? p.sequence.indexOf(value) : 0;
    return (idx + 0.5) / c.k;
  }
  const u = space.toUnit(c.name, value);
  return Math.min(c.ub, Math.max(c.lb, u));
}

/** The value at a sampler coordinate. */
export function decodeValue(space: SearchSpace, c: HpCoding, u: number): ParamValue {
  const p = space.get(c.name);
  if (p.type === 'constant') return p.value;
  if (c.kind === 'discrete') {
    const idx = Math.min(c.k - 1, Math.max(0, Math.floor(u * c.k)));
    if (p.type === 'int') return p.lower + idx;
    if (p.type === 'categorical') return p.choices[idx];
    if (p.type === 'ordinal') return p.sequence[idx];
  }
  return space.fromUnit(c.name, u);
}

export interface MotpeOptions {
  /** candidates drawn from the good estimator per hyperparameter */
  numCandidates: number;
  /** fraction of observations that are "good": nLow = floor(gamma · n) */
  gamma: number;
  variant: MobohbVariant;
}

/** The MO-TPE sampler over one search space. */
export class MotpeSampler {
  readonly codings: readonly HpCoding[];

  constructor(
    readonly space: SearchSpace,
    readonly nObj: number,
    readonly options: MotpeOptions,
  ) {
    this.codings = space.names.map((name) => hpCoding(space, name, options.variant));
  }

  /**
   * A configuration drawn from the model fitted to `observations` (oldest first). For every
   * hyperparameter in the space's order, also for those the draw will make inactive: take
   * the observations where it is active, newest first; split them into good and bad
   * (splitGoodBad); draw numCandidates values from the good estimator and keep the first one
   * maximising ln l(x) - ln g(x). Inactive hyperparameters are then dropped.
   *
   * The split of an observation subset is computed once per call and shared by every
   * hyperparameter active in exactly the same observations; the reference code's cache keyed
   * by the printed objective array can mix up different subsets (docs/methods.md#odd-22), this one cannot.
   *
   * @param rngFor the random stream for hyperparameter i (the paper shares one among all)
   */
  sample(observations: readonly Observation[], rngFor: (i: number) => Rng): Config {
    const { space, nObj } = this;
    const { numCandidates, gamma, variant } = this.options;
    const rev = observations.slice().reverse();
    const splits = new Map<string, { good: number[]; bad: number[] }>();
    const values: ParamValue[] = [];
    const cand = new Float64Array(numCandidates);
    this.codings.forEach((c, i) => {
      const name = c.name;
      if (c.kind === 'constant') {
        values.push(decodeValue(space, c, 0.5));
        return;
      }
      const act: number[] = [];
      for (let j = 0; j < rev.length; j++) if (Object.prototype.hasOwnProperty.call(rev[j].config, name)) act.push(j);
      const key = act.length === rev.length ? '*' : act.join(',');
      let split = splits.get(key);
      if (!split) {
        const pts = new Float64Array(act.length * nObj);
        act.forEach((j, r) => pts.set(rev[j].y, r * nObj));
        split = splitGoodBad(pts, nObj, Math.floor(gamma * act.length), variant);
        splits.set(key, split);
      }
      const u = (rows: number[]) => Float64Array.from(rows, (r) => encodeValue(space, c, rev[act[r]].config[name]));
      const opts = { lb: c.lb, ub: c.ub, q: c.q, variant };
      const good = new ParzenEstimator(u(split.good), opts);
      const bad = new ParzenEstimator(u(split.bad), opts);
      good.sample(rngFor(i), numCandidates, cand);
      let best = 0;
      let bestScore = -Infinity;
      for (let t = 0; t < numCandidates; t++) {
        const score = good.logPdf(cand[t]) - bad.logPdf(cand[t]);
        if (score > bestScore) {
          bestScore = score;
          best = t;
        }
      }
      values.push(decodeValue(space, c, cand[best]));
    });
    const config: Config = {};
    space.names.forEach((name, i) => {
      if (space.isActive(name, config)) config[name] = values[i];
    });
    return config;
  }
}
