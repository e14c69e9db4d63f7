// The unit-cube encoding of a search space as Ax's transform pipeline builds it for MS-EHVI
// (docs/methods.md#msehvi-encoding), for any SearchSpace:
//   int        1 dim: [lower - 0.49999, upper + 0.49999], log scale when log, min-max to [0, 1];
//              decoded by rounding to the nearest integer (half to even, as Python's round)
//   float      1 dim: [lower, upper], log scale when log, min-max to [0, 1]
//   ordinal    1 dim: its index as an integer 0..k-1 (widened like an int)
//   categorical with 2 choices (booleans): 1 dim, index 0/1, decoded by rounding;
//              with more: one-hot, k dims, decoded by argmax (the first on ties)
//   constant / single choice: no dimension.
// Conditional hyperparameters that are inactive encode as zeros in all their dimensions and
// are left out when decoding (the Ax form of the NAS space has no conditions). decode() clamps
// every coordinate to [0, 1], so any point of R^dim decodes to a valid configuration.
import type { Hyperparameter } from '../../space/params.ts';
import { INT_WIDEN } from '../../space/params.ts';
import { roundHalfEven, type SearchSpace } from '../../space/space.ts';
import type { Config, ParamValue } from '../../space/types.ts';

export type EncodedKind = 'int' | 'float' | 'ordinal' | 'binary' | 'onehot';

export interface EncodedParam {
  name: string;
  kind: EncodedKind;
  /** first dimension */
  offset: number;
  /** number of dimensions (k for one-hot, else 1) */
  width: number;
  /** numeric kinds: bounds on the transformed (widened, maybe log) scale */
  lo: number;
  hi: number;
  log: boolean;
  /** choices (binary, one-hot, ordinal) */
  values?: readonly ParamValue[];
  /** int / float / ordinal: the value bounds */
  lower: number;
  upper: number;
}

function clamp01(u: number): number {
  return u < 0 ? 0 : u > 1 ? 1 : u;
}

export class CubeEncoder {
  /** encoded dimension */
  readonly dim: number;
  readonly params: readonly EncodedParam[];

  constructor(readonly space: SearchSpace) {
    const params: EncodedParam[] = [];
    let offset = 0;
    for (const name of space.names) {
      const p: Hyperparameter = space.get(name);
      const base = { name, offset, lo: 0, hi: 1, log: false, lower: 0, upper: 1 };
      switch (p.type) {
        case 'constant':
          continue;
        case 'int': {
          const lo = p.lower - INT_WIDEN, hi = p.upper + INT_WIDEN;
          const log = p.log === true;
          params.push({ ...base, kind: 'int', width: 1, lo: log ? Math.log(lo) : lo, hi: log ? Math.log(hi) : hi, log, lower: p.lower, upper: p.upper });
          offset += 1;
          break;
        }
        case 'float': {
          const log = p.log === true;
          params.push({ ...base, kind: 'float', width: 1, lo: log ? Math.log(p.lower) : p.lower, hi: log ? Math.log(p.upper) : p.upper, log, lower: p.lower, upper: p.upper });
          offset += 1;
          break;
        }
        case 'ordinal': {
          if (p.sequence.length < 2) continue;
          const k = p.sequence.length;
          params.push({ ...base, kind: 'ordinal', width: 1, lo: -INT_WIDEN, hi: k - 1 + INT_WIDEN, values: p.sequence, lower: 0, upper: k - 1 });
          offset += 1;
          break;
        }
        case 'categorical': {
          const k = p.choices.length;
          if (k < 2) continue;
          if (k === 2) {
            params.push({ ...base, kind: 'binary', width: 1, values: p.choices });
            offset += 1;
          } else {
            params.push({ ...base, kind: 'onehot', width: k, values: p.choices });
            offset += k;
          }
          break;
        }
      }
    }
    this.params = params;
    this.dim = offset;
  }

  /** The point of a configuration (validated first): f64[dim], or written into out at offset. */
  encode(config: Readonly<Config>, out?: Float64Array, offset = 0): Float64Array {
    return this.encodeValid(this.space.validate(config, 'CubeEncoder.encode'), out, offset);
  }

  /** encode() of a configuration known to be valid (from decode()). */
  private encodeValid(c: Readonly<Config>, out?: Float64Array, offset = 0): Float64Array {
    const u = out ?? new Float64Array(this.dim);
    for (const p of this.params) {
      const o = offset + p.offset;
      for (let w = 0; w < p.width; w++) u[o + w] = 0;
      if (!(p.name in c)) continue;
      const v = c[p.name];
      switch (p.kind) {
        case 'int':
        case 'float': {
          const t = p.log ? Math.log(v as number) : (v as number);
          u[o] = (t - p.lo) / (p.hi - p.lo);
          break;
        }
        case 'ordinal':
          u[o] = (p.values!.indexOf(v) - p.lo) / (p.hi - p.lo);
          break;
        case 'binary':
          u[o] = p.values!.indexOf(v);
          break;
        case 'onehot':
          u[o + p.values!.indexOf(v)] = 1;
          break;
      }
    }
    return u;
  }

  /** The value of one encoded hyperparameter at a point (coordinates clamped to [0, 1]). */
  private valueOf(p: EncodedParam, u: ArrayLike<number>, offset: number): ParamValue {
    const o = offset + p.offset;
    switch (p.kind) {
      case 'int': {
        const t = p.lo + clamp01(u[o]) * (p.hi - p.lo);
        const v = roundHalfEven(p.log ? Math.exp(t) : t);
        return Math.min(p.upper, Math.max(p.lower, v));
      }
      case 'float': {
        const t = p.lo + clamp01(u[o]) * (p.hi - p.lo);
        const v = p.log ? Math.exp(t) : t;
        return Math.min(p.upper, Math.max(p.lower, v));
      }
      case 'ordinal': {
        const i = Math.min(p.upper, Math.max(0, roundHalfEven(p.lo + clamp01(u[o]) * (p.hi - p.lo))));
        return p.values![i];
      }
      case 'binary':
        return p.values![roundHalfEven(clamp01(u[o]))];
      case 'onehot': {
        let best = 0;
        for (let w = 1; w < p.width; w++) if (clamp01(u[o + w]) > clamp01(u[o + best])) best = w;
        return p.values![best];
      }
    }
  }

  /**
   * The configuration of a point (any real coordinates; clamped to [0, 1]): active
   * hyperparameters in the space's order, constants included.
   */
  decode(u: ArrayLike<number>, offset = 0): Config {
    const config: Config = {};
    let k = 0;
    for (const name of this.space.names) {
      if (!this.space.isActive(name, config)) {
        if (k < this.params.length && this.params[k].name === name) k++;
        continue;
      }
      if (k < this.params.length && this.params[k].name === name) {
        config[name] = this.valueOf(this.params[k], u, offset);
        k++;
      } else {
        const p = this.space.get(name);
        config[name] = p.type === 'constant' ? p.value : p.type === 'categorical' ? p.choices[0] : (p as { sequence: readonly ParamValue[] }).sequence[0];
      }
    }
    return config;
  }

  /** The configuration of u; the point it rounds to (encode of it) is written into out at outOffset. */
  decodeInto(u: ArrayLike<number>, out: Float64Array, outOffset = 0): Config {
    const c = this.decode(u);
    this.encodeValid(c, out, outOffset);
    return c;
  }

  /** encode(decode(u)): the point of the configuration u rounds to (optionally into out at outOffset). */
  round(u: ArrayLike<number>, offset = 0, out?: Float64Array, outOffset = 0): Float64Array {
    return this.encodeValid(this.decode(u, offset), out, outOffset);
  }
}
