// SH-EMOA's variation operators: tournament selection, UNIFORM mutation and UNIFORM
// recombination (docs/methods.md#shemoa-algorithm). Every random draw comes from the Rng passed in.
import type { Rng } from '../../random/rng.ts';
import type { SearchSpace } from '../../space/space.ts';
import type { Config } from '../../space/types.ts';

/**
 * k distinct indices drawn uniformly from 0..n−1 (Floyd's algorithm, O(k)); k is capped at n.
 * @returns the indices in draw order
 */
export function sampleDistinct(rng: Rng, n: number, k: number): number[] {
  const m = Math.min(k, n);
  const chosen = new Set<number>();
  const out: number[] = [];
  for (let j = n - m; j < n; j++) {
    const t = rng.int(j + 1);
    const pick = chosen.has(t) ? j : t;
    chosen.add(pick);
    out.push(pick);
  }
  return out;
}

/**
 * TOURNAMENT selection on a population kept sorted best first: draw `size` distinct positions
 * (all of them when the population is smaller) and return the smallest, i.e. the best.
 */
export function tournament(rng: Rng, populationSize: number, size: number): number {
  return Math.min(...sampleDistinct(rng, populationSize, size));
}

/**
 * UNIFORM mutation: copy x, draw `count` distinct keys uniformly from `candidates` (keys of x)
 * and resample each one that is mutable from its prior. The 'paper' variant passes every key
 * of x as a candidate, so drawn immutable keys are wasted (docs/methods.md#odd-11); the 'fixed' variant passes
 * the mutable ones only, so min(count, #mutable) values are redrawn. With fewer candidates than
 * `count` all are drawn (the reference's np.random.choice would raise; its space has 9-13 keys).
 */
export function uniformMutation(
  rng: Rng, space: SearchSpace, x: Readonly<Config>, candidates: readonly string[], count: number, notMutable: ReadonlySet<string>,
): Config {
  const child: Config = { ...x };
  for (const i of sampleDistinct(rng, candidates.length, count)) {
    const key = candidates[i];
    if (!notMutable.has(key)) child[key] = space.sampleParam(key, rng);
  }
  return child;
}

/**
 * UNIFORM recombination: copy `self`; for each of its keys draw U(0,1) and, when U < p, the key
 * exists in the partner and is mutable, take the partner's value. Keys come from `self` only, so
 * its layer counts are kept. (The reference takes the partner's value when U >= recom_proba,
 * i.e. with probability 1 − recom_proba; here `p` is that probability itself. The two agree at
 * the paper's 0.5.)
 */
export function uniformRecombination(
  rng: Rng, self: Readonly<Config>, partner: Readonly<Config>, p: number, notMutable: ReadonlySet<string>,
): Config {
  const child: Config = { ...self };
  for (const key of Object.keys(self)) {
    const u = rng.random();
    if (u < p && Object.prototype.hasOwnProperty.call(partner, key) && !notMutable.has(key)) child[key] = partner[key];
  }
  return child;
}

/**
 * Make a configuration valid again after variation, for spaces where a mutable hyperparameter
 * is the parent of a condition (never the case on the NAS space, whose parents n_conv_l and
 * n_fc_l are immutable, so the paper never needed this): drop values that became inactive and
 * draw newly active ones from the prior. Draws from `rng` only when something became active.
 * @returns the configuration with its keys in `space.names` order
 */
export function repair(rng: Rng, space: SearchSpace, x: Readonly<Config>): Config {
  const out: Config = {};
  for (const name of space.names) {
    if (!space.isActive(name, out)) continue;
    out[name] = Object.prototype.hasOwnProperty.call(x, name) ? x[name] : space.sampleParam(name, rng);
  }
  return out;
}
