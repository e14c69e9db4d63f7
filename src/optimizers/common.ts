// Helpers shared by the methods.
import type { OptimizerContext } from './types.ts';

/**
 * A 32-bit seed for one random stream, mixed from a per-method constant `init`, the study seed
 * and stream labels (so every stream is independent and reproducible).
 */
export function streamSeed(init: number, ...parts: number[]): number {
  let h = init;
  for (const p of parts) {
    const lo = p >>> 0;
    const hi = Math.floor(p / 4294967296) >>> 0;
    h = Math.imul(h ^ lo, 0x9e3779b1) ^ hi;
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/**
 * A method's budget range: its options' minBudget/maxBudget (default: the problem's), clamped
 * into the problem's range; undefined when neither gives a maximum (no fidelity: suggestions
 * without a budget). Errors are RangeErrors prefixed with `fn`.
 */
export function budgetRange(fn: string, ctx: OptimizerContext, o: { minBudget?: number; maxBudget?: number }): { minBudget: number; maxBudget: number } | undefined {
  const fail = (msg: string): never => {
    throw new RangeError(`${fn}: ${msg}`);
  };
  const finite = (name: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${name} must be a finite number, got ${JSON.stringify(v)}`);
  };
  const lo = ctx.minBudget, hi = ctx.maxBudget;
  if (lo !== undefined) finite('ctx.minBudget', lo);
  if (hi !== undefined) finite('ctx.maxBudget', hi);
  if (o.minBudget !== undefined) finite('options.minBudget', o.minBudget);
  if (o.maxBudget !== undefined) finite('options.maxBudget', o.maxBudget);
  const clamp = (b: number) => Math.min(hi ?? Infinity, Math.max(lo ?? -Infinity, b));
  const bmaxRaw = o.maxBudget ?? hi;
  const bminRaw = o.minBudget ?? lo;
  if (bmaxRaw === undefined) {
    if (bminRaw !== undefined) fail('a minBudget without any maxBudget (neither the problem nor the options give one)');
    return undefined;
  }
  const maxBudget = clamp(bmaxRaw);
  const minBudget = bminRaw === undefined ? maxBudget : clamp(bminRaw);
  if (!(minBudget > 0)) fail(`the minimum budget must be > 0, got ${minBudget}`);
  if (minBudget > maxBudget) fail(`minBudget (${minBudget}) exceeds maxBudget (${maxBudget}) after clamping into the problem's range`);
  return { minBudget, maxBudget };
}
