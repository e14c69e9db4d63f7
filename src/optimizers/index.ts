// Methods by name, with their presets, for the CLI, studies and resuming from a journal.
import { createMobananas, MOBANANAS_PRESETS } from './mobananas/index.ts';
import { createMobohb, MOBOHB_PRESETS } from './mobohb/index.ts';
import { createMsehvi, MSEHVI_PRESETS } from './msehvi/index.ts';
import { createNsga2 } from './nsga2/index.ts';
import { createRandom } from './random/index.ts';
import { createShemoa, SHEMOA_PRESETS } from './shemoa/index.ts';
import type { OptimizerFactory } from './types.ts';

export interface MethodEntry {
  factory: OptimizerFactory<Record<string, unknown>>;
  presets?: Record<string, Record<string, unknown>>;
  summary: string;
  /** the option holding the method's own evaluation total, which a run's evaluation cap sets when not given */
  totalOption?: string;
}

const METHODS: Record<string, MethodEntry> = {
  random: { factory: createRandom as OptimizerFactory<Record<string, unknown>>, summary: 'Random Search (uniform prior draws; sampler: sobol for a scrambled Sobol sequence)' },
  sobol: {
    factory: ((ctx, o) => createRandom(ctx, { ...o, sampler: 'sobol' })) as OptimizerFactory<Record<string, unknown>>,
    summary: 'Random Search on a scrambled Sobol sequence',
  },
  nsga2: { factory: createNsga2 as OptimizerFactory<Record<string, unknown>>, summary: 'NSGA-II (SBX + polynomial mutation in the unit-cube encoding)' },
  shemoa: {
    factory: createShemoa as OptimizerFactory<Record<string, unknown>>,
    presets: SHEMOA_PRESETS as unknown as Record<string, Record<string, unknown>>,
    totalOption: 'maxEvaluations',
    summary: 'SH-EMOA: steady-state evolution with hypervolume survival, budgets raised by successive halving',
  },
  mobohb: {
    factory: createMobohb as OptimizerFactory<Record<string, unknown>>,
    presets: MOBOHB_PRESETS as unknown as Record<string, Record<string, unknown>>,
    summary: 'MO-BOHB: Hyperband brackets, non-dominated promotion, multi-objective TPE sampler',
  },
  mobananas: {
    factory: createMobananas as OptimizerFactory<Record<string, unknown>>,
    presets: MOBANANAS_PRESETS as unknown as Record<string, Record<string, unknown>>,
    totalOption: 'functionEvaluations',
    summary: 'MO-SH-BANANAS: mutation of the archive\'s best, neural-ensemble Thompson selection, successive halving',
  },
  msehvi: {
    factory: createMsehvi as OptimizerFactory<Record<string, unknown>>,
    presets: MSEHVI_PRESETS as unknown as Record<string, Record<string, unknown>>,
    summary: 'MS-EHVI: GP surrogate (known size objective on the NAS spaces), exact expected hypervolume improvement',
  },
};

export function registerMethod(name: string, entry: MethodEntry): void {
  METHODS[name] = entry;
}

export function methodNames(): { name: string; summary: string }[] {
  return Object.entries(METHODS).map(([name, m]) => ({ name, summary: m.summary }));
}

export function getMethod(name: string): MethodEntry {
  const m = METHODS[name];
  if (!m) throw new RangeError(`unknown method '${name}' (known: ${Object.keys(METHODS).join(', ')})`);
  return m;
}

/** Options of a method: a preset's values, overridden by explicit ones. */
export function methodOptions(name: string, preset?: string, options: Record<string, unknown> = {}): Record<string, unknown> {
  const m = getMethod(name);
  if (preset === undefined) return { ...options };
  const p = m.presets?.[preset];
  if (!p) throw new RangeError(`method '${name}' has no preset '${preset}' (presets: ${Object.keys(m.presets ?? {}).join(', ') || 'none'})`);
  return { ...p, ...options, preset };
}
