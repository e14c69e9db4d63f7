// The predictor's input encodings of a configuration (docs/methods.md#mobananas-encoding, docs/methods.md#odd-32).
import type { Hyperparameter } from '../../space/params.ts';
import type { SearchSpace } from '../../space/space.ts';
import type { Config, ParamValue } from '../../space/types.ts';

export interface Encoder {
  /** length of every encoding */
  readonly dim: number;
  /** the feature vector of a configuration (its active hyperparameters) */
  encode(x: Readonly<Config>): Float64Array;
}

/**
 * The reference's `return_train_data` encoding [AS-IS] (docs/methods.md#mobananas-encoding), one feature per hyperparameter
 * of the space (13 on the NAS space): first the active ones in the configuration's key order,
 * which for a ConfigSpace configuration is the space's order (docs/methods.md#space-order; used here whatever order
 * the object's keys have), then the missing (inactive) ones appended with value 0, also in the
 * space's order (on the NAS space exactly n_conv_1, n_conv_2, n_fc_1, n_fc_2, as the reference
 * appends them). Features are therefore not aligned across depths (docs/methods.md#odd-32). A value becomes:
 *   1 if it equals True in Python (true, or the number 1: n_conv_l = 1, batch_size = 1, ...);
 *   0 if it equals False (false, or 0);
 *   v / upper for an int or float (linear even on a log scale: lr_init is ≈ 0 for most configs);
 *   otherwise (choices) v / max(choices) — kernel_size 3/5/7 → 3/7, 5/7, 1.
 * Generalisations for other spaces, where the reference would raise: an upper bound of 0 divides
 * by 1; non-numeric choices encode as index / (count − 1); constants as 0.
 */
export function paperEncoder(space: SearchSpace): Encoder {
  const valueOf = (name: string, v: ParamValue): number => {
    if (v === true || v === 1) return 1;
    if (v === false || v === 0) return 0;
    const p = space.get(name);
    if (p.type === 'int' || p.type === 'float') return (v as number) / (p.upper === 0 ? 1 : p.upper);
    if (p.type === 'categorical' || p.type === 'ordinal') {
      const list = p.type === 'categorical' ? p.choices : p.sequence;
      if (typeof v === 'number' && list.every((c) => typeof c === 'number')) {
        const top = Math.max(...(list as number[]));
        return top === 0 ? v : v / top;
      }
      return list.length > 1 ? list.indexOf(v) / (list.length - 1) : 0;
    }
    return 0;
  };
  return {
    dim: space.dim,
    encode(x) {
      const out = new Float64Array(space.dim);
      let k = 0;
      for (const name of space.names) if (Object.prototype.hasOwnProperty.call(x, name)) out[k++] = valueOf(name, x[name]);
      // the appended zeros (k < dim unless every hyperparameter is active) are already there
      return out;
    },
  };
}

/** How the fixed encoding represents one hyperparameter. */
type Slot =
  | { kind: 'unit'; name: string; at: number } // int, float, ordinal: the unit-cube coordinate (log-aware)
  | { kind: 'numeric'; name: string; at: number; lo: number; hi: number } // numeric choices: position on their value range
  | { kind: 'index'; name: string; at: number; choices: readonly ParamValue[] } // two non-numeric choices (booleans): 0 / 1
  | { kind: 'onehot'; name: string; at: number; choices: readonly ParamValue[] }; // more non-numeric choices

function slotOf(p: Hyperparameter, at: number): Slot | undefined {
  switch (p.type) {
    case 'int':
    case 'float':
    case 'ordinal':
      return { kind: 'unit', name: p.name, at };
    case 'categorical': {
      const c = p.choices;
      if (c.length < 2) return undefined;
      if (c.every((v) => typeof v === 'number')) {
        const nums = c as readonly number[];
        return { kind: 'numeric', name: p.name, at, lo: Math.min(...nums), hi: Math.max(...nums) };
      }
      // booleans in the order false, true whatever the declared order
      if (c.length === 2) return { kind: 'index', name: p.name, at, choices: c.every((v) => typeof v === 'boolean') ? [false, true] : c };
      return { kind: 'onehot', name: p.name, at, choices: c };
    }
    case 'constant':
      return undefined;
  }
}

/**
 * The repaired encoding (docs/methods.md#odd-32): every hyperparameter at a fixed position (the space's
 * order), so features align across depths; an inactive one is 0 there. Ints, floats and
 * ordinals use the space's unit-cube coordinate, on the log scale for log hyperparameters
 * (lr_init, widths, batch_size spread over [0, 1] instead of crowding near 0); numeric choices
 * their position between the smallest and largest choice (kernel 3/5/7 → 0, 0.5, 1); booleans
 * and other two-way choices 0/1; choices among more than two non-numeric values one-hot;
 * constants nothing. The value 1 is no longer special (n_conv_l = 1, 2, 3 → 1/6, 1/2, 5/6).
 * On the NAS space: 13 features.
 */
export function fixedEncoder(space: SearchSpace): Encoder {
  const slots: Slot[] = [];
  let dim = 0;
  for (const name of space.names) {
    const s = slotOf(space.get(name), dim);
    if (!s) continue;
    slots.push(s);
    dim += s.kind === 'onehot' ? s.choices.length : 1;
  }
  return {
    dim,
    encode(x) {
      const out = new Float64Array(dim);
      for (const s of slots) {
        if (!Object.prototype.hasOwnProperty.call(x, s.name)) continue;
        const v = x[s.name];
        switch (s.kind) {
          case 'unit':
            out[s.at] = space.toUnit(s.name, v);
            break;
          case 'numeric':
            out[s.at] = ((v as number) - s.lo) / (s.hi - s.lo);
            break;
          case 'index':
            out[s.at] = s.choices.indexOf(v);
            break;
          case 'onehot':
            out[s.at + s.choices.indexOf(v)] = 1;
            break;
        }
      }
      return out;
    },
  };
}
