// A search space of hyperparameters with conditions, sampled and encoded as ConfigSpace does:
// every hyperparameter maps to one coordinate of the unit cube; a configuration holds its
// active hyperparameters only.
import type { Rng } from '../random/rng.ts';
import type { Config, ParamValue } from './types.ts';
import {
  conditionParents, holds, INT_WIDEN,
  type Condition, type Hyperparameter,
} from './params.ts';

export interface SearchSpaceJSON {
  hyperparameters: Hyperparameter[];
  conditions: Record<string, Condition>;
}

function fail(fn: string, msg: string): never {
  throw new RangeError(`${fn}: ${msg}`);
}

function isValue(v: unknown): v is ParamValue {
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';
}

/** Bounds of a numeric hyperparameter on its sampling scale (ints widened, logs taken). */
function scaleBounds(p: Hyperparameter & { lower: number; upper: number; log?: boolean }): [number, number] {
  const lo = p.type === 'int' ? p.lower - INT_WIDEN : p.lower;
  const hi = p.type === 'int' ? p.upper + INT_WIDEN : p.upper;
  return p.log ? [Math.log(lo), Math.log(hi)] : [lo, hi];
}

/** Python's round(): half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export class SearchSpace {
  /** Hyperparameter names in ConfigSpace's order: by condition depth, alphabetical within a depth. */
  readonly names: readonly string[];
  private readonly params = new Map<string, Hyperparameter>();
  private readonly conditions = new Map<string, Condition>();
  private readonly depth = new Map<string, number>();

  constructor(hyperparameters: readonly Hyperparameter[], conditions: Readonly<Record<string, Condition>> = {}) {
    const fn = 'SearchSpace';
    if (!Array.isArray(hyperparameters) || hyperparameters.length === 0) fail(fn, 'hyperparameters must be a non-empty array');
    for (const p of hyperparameters) {
      validateParam(fn, p);
      if (this.params.has(p.name)) fail(fn, `duplicate hyperparameter '${p.name}'`);
      this.params.set(p.name, p);
    }
    for (const [child, cond] of Object.entries(conditions)) {
      if (!this.params.has(child)) fail(fn, `condition on unknown hyperparameter '${child}'`);
      for (const parent of conditionParents(cond)) {
        if (!this.params.has(parent)) fail(fn, `condition of '${child}' refers to unknown parent '${parent}'`);
        if (parent === child) fail(fn, `'${child}' cannot be its own parent`);
      }
      this.conditions.set(child, cond);
    }
    const visiting = new Set<string>();
    const depthOf = (name: string): number => {
      const known = this.depth.get(name);
      if (known !== undefined) return known;
      if (visiting.has(name)) fail(fn, `conditions form a cycle through '${name}'`);
      visiting.add(name);
      const c = this.conditions.get(name);
      const d = c ? 1 + Math.max(...conditionParents(c).map(depthOf)) : 0;
      visiting.delete(name);
      this.depth.set(name, d);
      return d;
    };
    this.names = [...this.params.keys()].sort((a, b) => depthOf(a) - depthOf(b) || (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Number of hyperparameters (= dimension of the unit-cube encoding). */
  get dim(): number {
    return this.names.length;
  }

  get(name: string): Hyperparameter {
    const p = this.params.get(name);
    if (!p) throw new RangeError(`SearchSpace: unknown hyperparameter '${name}'`);
    return p;
  }

  has(name: string): boolean {
    return this.params.has(name);
  }

  /** The condition that makes `name` active, if any. */
  conditionOf(name: string): Condition | undefined {
    return this.conditions.get(name);
  }

  /** Whether `name` is active given the values of its parents in `config`. */
  isActive(name: string, config: Readonly<Config>): boolean {
    const c = this.conditions.get(name);
    return c === undefined || holds(c, config);
  }

  /** Map one coordinate u in [0, 1] to a value (ConfigSpace's vector semantics). */
  fromUnit(name: string, u: number): ParamValue {
    const p = this.get(name);
    const uc = Math.min(1, Math.max(0, u));
    switch (p.type) {
      case 'constant':
        return p.value;
      case 'categorical':
        return p.choices[Math.min(p.choices.length - 1, Math.floor(uc * p.choices.length))];
      case 'ordinal':
        return p.sequence[Math.min(p.sequence.length - 1, Math.floor(uc * p.sequence.length))];
      case 'float': {
        const [lo, hi] = scaleBounds(p);
        const v = lo + uc * (hi - lo);
        return Math.min(p.upper, Math.max(p.lower, p.log ? Math.exp(v) : v));
      }
      case 'int': {
        const [lo, hi] = scaleBounds(p);
        const v = lo + uc * (hi - lo);
        return Math.min(p.upper, Math.max(p.lower, roundHalfEven(p.log ? Math.exp(v) : v)));
      }
    }
  }

  /** The coordinate in [0, 1] of a value: the centre of its cell for choices and integers. */
  toUnit(name: string, value: ParamValue): number {
    const p = this.get(name);
    switch (p.type) {
      case 'constant':
        return 0.5;
      case 'categorical':
        return (p.choices.indexOf(value) + 0.5) / p.choices.length;
      case 'ordinal':
        return (p.sequence.indexOf(value) + 0.5) / p.sequence.length;
      case 'float':
      case 'int': {
        const [lo, hi] = scaleBounds(p);
        const v = p.log ? Math.log(value as number) : (value as number);
        return (v - lo) / (hi - lo);
      }
    }
  }

  /**
   * Decode a point of the unit cube (one coordinate per name, in `names` order) into a
   * configuration of its active hyperparameters; coordinates of inactive ones are ignored
   * (they may be NaN).
   */
  decode(u: ArrayLike<number>): Config {
    if (u.length !== this.dim) fail('SearchSpace.decode', `u has length ${u.length}, expected ${this.dim}`);
    const config: Config = {};
    this.names.forEach((name, i) => {
      if (!this.isActive(name, config)) return;
      const x = u[i];
      if (!(x >= 0 && x <= 1)) fail('SearchSpace.decode', `u[${i}] (${name}) must be in [0, 1], got ${x}`);
      config[name] = this.fromUnit(name, x);
    });
    return config;
  }

  /** Encode a configuration into the unit cube; inactive hyperparameters become NaN. */
  encode(config: Readonly<Config>): Float64Array {
    const c = this.validate(config, 'SearchSpace.encode');
    return Float64Array.from(this.names, (name) => (name in c ? this.toUnit(name, c[name]) : Number.NaN));
  }

  /**
   * A draw from the prior (ConfigSpace semantics): integers uniform on
   * [lower - 0.49999, upper + 0.49999] (log scale for log ones) then rounded; floats uniform
   * (log-uniform); choices uniform. All coordinates are drawn, inactive ones then dropped.
   */
  sample(rng: Rng): Config {
    const u = new Float64Array(this.dim);
    for (let i = 0; i < u.length; i++) u[i] = rng.random();
    return this.decode(u);
  }

  /** A prior draw of one hyperparameter. */
  sampleParam(name: string, rng: Rng): ParamValue {
    return this.fromUnit(name, rng.random());
  }

  /** The configuration of defaults (the middle of the range where none is given). */
  defaultConfig(): Config {
    const config: Config = {};
    for (const name of this.names) {
      if (!this.isActive(name, config)) continue;
      const p = this.get(name);
      if (p.type === 'constant') config[name] = p.value;
      else if (p.default !== undefined) config[name] = p.default;
      else config[name] = this.fromUnit(name, 0.5);
    }
    return config;
  }

  /**
   * Check a configuration: every active hyperparameter present and in range, no inactive or
   * unknown ones. Returns a copy with keys in `names` order.
   * @throws RangeError naming the function and the hyperparameter
   */
  validate(config: Readonly<Config>, fn = 'SearchSpace.validate'): Config {
    if (config === null || typeof config !== 'object' || Array.isArray(config)) {
      throw new TypeError(`${fn}: config must be an object of hyperparameter values`);
    }
    for (const key of Object.keys(config)) {
      if (!this.params.has(key)) fail(fn, `unknown hyperparameter '${key}'`);
    }
    const out: Config = {};
    for (const name of this.names) {
      const active = this.isActive(name, out);
      const present = Object.prototype.hasOwnProperty.call(config, name);
      if (!active) {
        if (present) fail(fn, `'${name}' is inactive (its condition does not hold) but has a value`);
        continue;
      }
      if (!present) fail(fn, `active hyperparameter '${name}' is missing`);
      const v = config[name];
      const err = checkValue(this.get(name), v);
      if (err) fail(fn, `'${name}' ${err}`);
      out[name] = v;
    }
    return out;
  }

  isValid(config: Readonly<Config>): boolean {
    try {
      this.validate(config);
      return true;
    } catch {
      return false;
    }
  }

  /** Whether two configurations are the same (same active keys, same values). */
  equal(a: Readonly<Config>, b: Readonly<Config>): boolean {
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
  }

  toJSON(): SearchSpaceJSON {
    return {
      hyperparameters: [...this.params.values()].map((p) => structuredClone(p)),
      conditions: Object.fromEntries([...this.conditions].map(([k, c]) => [k, structuredClone(c)])),
    };
  }

  static fromJSON(json: SearchSpaceJSON): SearchSpace {
    if (!json || !Array.isArray(json.hyperparameters)) throw new TypeError('SearchSpace.fromJSON: json.hyperparameters must be an array');
    return new SearchSpace(json.hyperparameters, json.conditions ?? {});
  }
}

function validateParam(fn: string, p: Hyperparameter): void {
  if (!p || typeof p !== 'object' || typeof p.name !== 'string' || p.name === '') fail(fn, 'every hyperparameter needs a name');
  const where = `hyperparameter '${p.name}'`;
  switch (p.type) {
    case 'int':
    case 'float': {
      if (!Number.isFinite(p.lower) || !Number.isFinite(p.upper) || !(p.lower < p.upper)) {
        fail(fn, `${where}: needs finite lower < upper, got [${p.lower}, ${p.upper}]`);
      }
      if (p.type === 'int' && (!Number.isInteger(p.lower) || !Number.isInteger(p.upper))) fail(fn, `${where}: integer bounds expected`);
      if (p.log && p.lower <= 0) fail(fn, `${where}: a log scale needs lower > 0`);
      if (p.default !== undefined && checkValue(p, p.default)) fail(fn, `${where}: default ${checkValue(p, p.default)}`);
      return;
    }
    case 'categorical':
    case 'ordinal': {
      const list = p.type === 'categorical' ? p.choices : p.sequence;
      if (!Array.isArray(list) || list.length === 0 || !list.every(isValue)) fail(fn, `${where}: needs a non-empty list of values`);
      if (new Set(list).size !== list.length) fail(fn, `${where}: values must be distinct`);
      if (p.default !== undefined && !list.includes(p.default)) fail(fn, `${where}: default ${String(p.default)} is not a choice`);
      return;
    }
    case 'constant':
      if (!isValue(p.value)) fail(fn, `${where}: value must be a number, string or boolean`);
      return;
    default:
      fail(fn, `${where}: unknown type '${(p as { type: string }).type}'`);
  }
}

/** Why v is not a valid value of p, or undefined. */
function checkValue(p: Hyperparameter, v: unknown): string | undefined {
  switch (p.type) {
    case 'int':
      if (typeof v !== 'number' || !Number.isInteger(v)) return `must be an integer, got ${JSON.stringify(v)}`;
      if (v < p.lower || v > p.upper) return `must be in [${p.lower}, ${p.upper}], got ${v}`;
      return undefined;
    case 'float':
      if (typeof v !== 'number' || !Number.isFinite(v)) return `must be a finite number, got ${JSON.stringify(v)}`;
      if (v < p.lower || v > p.upper) return `must be in [${p.lower}, ${p.upper}], got ${v}`;
      return undefined;
    case 'categorical':
      return p.choices.includes(v as ParamValue) ? undefined : `must be one of ${JSON.stringify(p.choices)}, got ${JSON.stringify(v)}`;
    case 'ordinal':
      return p.sequence.includes(v as ParamValue) ? undefined : `must be one of ${JSON.stringify(p.sequence)}, got ${JSON.stringify(v)}`;
    case 'constant':
      return v === p.value ? undefined : `is constant ${JSON.stringify(p.value)}, got ${JSON.stringify(v)}`;
  }
}
