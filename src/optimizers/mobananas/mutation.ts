// MO-BANANAS's GAUSSIAN mutation (docs/methods.md#mobananas-mutation, docs/methods.md#odd-33–34). Every random draw comes from
// the Rng passed in.
import type { Rng } from '../../random/rng.ts';
import type { SearchSpace } from '../../space/space.ts';
import type { Config } from '../../space/types.ts';
import { normalCdf, normalQuantile } from '../../math/normal.ts';
import { repair, sampleDistinct } from '../shemoa/operators.ts';

/**
 * A draw from N(mean, sd²) truncated to [lo, hi] (lo <= mean <= hi), by inversion as SciPy's
 * truncnorm: one uniform mapped through Φ⁻¹ between Φ((lo − mean)/sd) and Φ((hi − mean)/sd).
 */
export function truncatedNormal(rng: Rng, mean: number, sd: number, lo: number, hi: number): number {
  const a = normalCdf((lo - mean) / sd), b = normalCdf((hi - mean) / sd);
  const u = a + (b - a) * rng.random();
  const x = mean + sd * normalQuantile(Math.min(Math.max(u, Number.MIN_VALUE), 1 - 2 ** -53));
  return Math.min(hi, Math.max(lo, x));
}

/**
 * The reference's mutation [AS-IS] (docs/methods.md#mobananas-mutation): copy x, draw `count` distinct keys of x uniformly
 * (all of them when x has fewer), and for each drawn key that is mutable: an int or float gets
 * a normal draw around its value with sd = (upper − lower)/3 truncated to [lower, upper] on the
 * LINEAR scale (docs/methods.md#odd-33: a mutated lr_init is about half-normal on [1e-5, 1], mean ≈ 0.25), then
 * an int is truncated toward zero (Python's int(), so the upper bound is practically never
 * reached); anything else (choices) is redrawn from its prior, possibly to the same value.
 * Drawn immutable keys are wasted (n_conv_l, n_fc_l: depths never change, docs/methods.md#odd-34). On spaces
 * whose mutable hyperparameters are condition parents (never on the NAS space) the child is
 * repaired: inactive values dropped, newly active ones drawn from the prior.
 */
export function paperMutation(rng: Rng, space: SearchSpace, x: Readonly<Config>, count: number, notMutable: ReadonlySet<string>): Config {
  const child: Config = { ...x };
  const keys = Object.keys(x);
  for (const i of sampleDistinct(rng, keys.length, count)) {
    const key = keys[i];
    if (notMutable.has(key)) continue;
    const p = space.get(key);
    if (p.type === 'int' || p.type === 'float') {
      const v = truncatedNormal(rng, x[key] as number, (p.upper - p.lower) / 3, p.lower, p.upper);
      child[key] = p.type === 'int' ? Math.trunc(v) : v;
    } else {
      child[key] = space.sampleParam(key, rng);
    }
  }
  return repair(rng, space, child);
}

/**
 * The repaired mutation (docs/methods.md#odd-33–34): `count` distinct keys drawn among the mutable active
 * hyperparameters that can change (no wasted draws); an int, float or ordinal moves by a normal
 * step of sd `sd` (default 1/3, the reference's range/3) on its unit-cube coordinate —
 * on the log scale for log hyperparameters — truncated to [0, 1] and decoded by the space
 * (integers rounded to the nearest, not truncated); a choice moves to a different choice,
 * uniformly. Depths are mutable by default (see the options), and a changed depth is repaired
 * like any condition parent: widths that became inactive are dropped, new ones drawn from the
 * prior.
 */
export function fixedMutation(
  rng: Rng, space: SearchSpace, x: Readonly<Config>, count: number, notMutable: ReadonlySet<string>, sd = 1 / 3,
): Config {
  const child: Config = { ...x };
  const candidates = Object.keys(x).filter((k) => {
    if (notMutable.has(k)) return false;
    const p = space.get(k);
    return p.type === 'int' || p.type === 'float' || (p.type === 'ordinal' && p.sequence.length > 1) || (p.type === 'categorical' && p.choices.length > 1);
  });
  for (const i of sampleDistinct(rng, candidates.length, count)) {
    const key = candidates[i];
    const p = space.get(key);
    if (p.type === 'categorical') {
      const others = p.choices.filter((c) => c !== x[key]);
      child[key] = others[rng.int(others.length)];
    } else {
      const u = space.toUnit(key, x[key]);
      child[key] = space.fromUnit(key, truncatedNormal(rng, u, sd, 0, 1));
    }
  }
  return repair(rng, space, child);
}
