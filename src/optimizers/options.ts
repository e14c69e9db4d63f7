// Reading a method's options, the same way for every method: known keys only (a typo is an
// error that suggests the nearest name), a preset of the paper's settings under explicit
// options, the variant, and value checks whose messages name the option.
//
// Where the paper's settings apply by themselves: with variant 'paper' on one of the paper's
// problems (ctx.problem 'flowers' or 'fashion') and no preset given, the method starts from
// that problem's preset, so a 'paper' run is the paper's run unless a setting is overridden
// explicitly (docs/methods.md#presets).
import type { SearchSpace } from '../space/space.ts';
import type { OptimizerContext } from './types.ts';

/** 'fixed' (the default) repairs the reference code's bugs; 'paper' reproduces them. */
export type Variant = 'fixed' | 'paper';

export const VARIANTS: readonly Variant[] = ['fixed', 'paper'];

/** The problems the paper ran, whose example-script settings are the presets. */
export type PaperProblem = 'flowers' | 'fashion';

export const PAPER_PROBLEMS: readonly PaperProblem[] = ['flowers', 'fashion'];

export type Presets<O> = Readonly<Record<PaperProblem, Readonly<Partial<O>>>>;

/** What every method's options may hold besides its own settings. */
export interface CommonOptions {
  /** start from the paper's settings for this problem; explicit options override them */
  preset?: PaperProblem;
  /** default 'fixed' */
  variant?: Variant;
}

/** How one method reads its options. */
export interface OptionRules<O> {
  /** the function named in error messages, e.g. 'createShemoa' */
  fn: string;
  /** every option the method reads (preset and variant are always known) */
  known: readonly (keyof O & string)[];
  presets?: Presets<O>;
  /** variants the method has (default both) */
  variants?: readonly Variant[];
}

/** Options after merging: preset values under explicit ones, undefined values dropped. */
export interface MergedOptions<O> {
  values: Partial<O>;
  variant: Variant;
  /** the preset applied (given, or the problem's under 'paper') */
  preset?: PaperProblem;
  /** the option names the caller set explicitly */
  explicit: ReadonlySet<string>;
  check: OptionChecks;
}

/** Edit distance, for "did you mean" (names are short). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}

function nearest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const k of known) {
    const d = distance(name, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

/**
 * Check that `raw` is an options object whose keys are all known.
 * @throws TypeError when it is not an object; RangeError naming an unknown key (and the
 *   nearest known one)
 */
export function assertKnownOptions<O>(fn: string, raw: unknown, known: readonly (keyof O & string)[]): asserts raw is O | undefined {
  if (raw === undefined) return;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new TypeError(`${fn}: options must be an object, got ${JSON.stringify(raw)}`);
  const all: string[] = ['preset', 'variant', ...known];
  for (const key of Object.keys(raw)) {
    if (all.includes(key)) continue;
    const near = nearest(key, all);
    throw new RangeError(`${fn}: unknown option '${key}'${near ? ` (did you mean '${near}'?)` : ''}; known: ${all.join(', ')}`);
  }
}

/**
 * Merge a method's options: check the keys, pick the variant and the preset (the given one,
 * or the problem's under 'paper'), and lay the explicit values over the preset's.
 */
export function mergeOptions<O extends CommonOptions>(rules: OptionRules<O>, ctx: OptimizerContext, raw: unknown): MergedOptions<O> {
  const { fn } = rules;
  if (!ctx || typeof ctx !== 'object' || !ctx.space) throw new TypeError(`${fn}: ctx must be an OptimizerContext with a search space`);
  assertKnownOptions<O>(fn, raw, rules.known);
  const given: Partial<O> = raw ?? {};
  const check = new OptionChecks(fn);
  const variants = rules.variants ?? VARIANTS;
  const variant = given.variant ?? 'fixed';
  if (!variants.includes(variant)) {
    check.fail(`options.variant must be ${variants.map((v) => `'${v}'`).join(' or ')}, got ${JSON.stringify(given.variant)}`);
  }
  let preset: PaperProblem | undefined;
  if (given.preset !== undefined) {
    if (!rules.presets || !Object.prototype.hasOwnProperty.call(rules.presets, given.preset)) {
      check.fail(`options.preset must be one of ${rules.presets ? Object.keys(rules.presets).join(', ') : '(this method has no presets)'}, got ${JSON.stringify(given.preset)}`);
    }
    preset = given.preset;
  } else if (variant === 'paper' && rules.presets && (ctx.problem === 'flowers' || ctx.problem === 'fashion')) {
    preset = ctx.problem;
  }
  const explicit = new Set<string>();
  const values: Partial<O> = {};
  if (preset && rules.presets) Object.assign(values, rules.presets[preset]);
  for (const [k, v] of Object.entries(given)) {
    if (v === undefined) continue;
    explicit.add(k);
    Object.assign(values, { [k]: v });
  }
  if (!Number.isFinite(ctx.seed)) check.fail(`ctx.seed must be a finite number, got ${ctx.seed}`);
  return { values, variant, preset, explicit, check };
}

/** Value checks whose errors name the function and the option. */
export class OptionChecks {
  constructor(readonly fn: string) {}

  fail(message: string): never {
    throw new RangeError(`${this.fn}: ${message}`);
  }

  /** an integer in [min, max] */
  int(name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(`options.${name} must be an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`}, got ${JSON.stringify(v)}`);
    }
    return v;
  }

  /** a finite number, optionally strictly above `above` */
  number(name: string, v: unknown, bounds: { above?: number; min?: number; max?: number } = {}): number {
    const ok = typeof v === 'number' && Number.isFinite(v) && (bounds.above === undefined || v > bounds.above) &&
      (bounds.min === undefined || v >= bounds.min) && (bounds.max === undefined || v <= bounds.max);
    if (!ok) {
      const parts = [bounds.above !== undefined ? `> ${bounds.above}` : '', bounds.min !== undefined ? `>= ${bounds.min}` : '', bounds.max !== undefined ? `<= ${bounds.max}` : '']
        .filter(Boolean);
      this.fail(`options.${name} must be a finite number${parts.length ? ` ${parts.join(' and ')}` : ''}, got ${JSON.stringify(v)}`);
    }
    return v as number;
  }

  probability(name: string, v: unknown): number {
    return this.number(name, v, { min: 0, max: 1 });
  }

  bool(name: string, v: unknown): boolean {
    if (typeof v !== 'boolean') this.fail(`options.${name} must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  oneOf<T extends string>(name: string, v: unknown, values: readonly T[]): T {
    const found = values.find((x) => x === v);
    if (found === undefined) this.fail(`options.${name} must be ${values.map((x) => `'${x}'`).join(', ')}, got ${JSON.stringify(v)}`);
    return found;
  }

  /** names of hyperparameters of the space */
  hyperparameters(name: string, v: unknown, space: SearchSpace): string[] {
    if (!Array.isArray(v)) this.fail(`options.${name} must be an array of hyperparameter names, got ${JSON.stringify(v)}`);
    for (const n of v) if (typeof n !== 'string' || !space.has(n)) this.fail(`options.${name} names unknown hyperparameter ${JSON.stringify(n)}`);
    return [...v];
  }

  /** a positive integer list */
  ints(name: string, v: unknown, min: number): number[] {
    if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x) && x >= min)) this.fail(`options.${name} must be an array of integers >= ${min}, got ${JSON.stringify(v)}`);
    return [...v];
  }
}
