// The 13-hyperparameter joint NAS + HPO space of the Bag-of-Baselines paper (docs/methods.md#space),
// in its three forms: the ConfigSpace form with conditions (SH-EMOA, MO-BANANAS), the
// "uniform" form with integer-coded choices (MO-BOHB), and the Ax form without conditions
// (Random Search, MS-EHVI, Bulk & Cut).
import type { Condition, Hyperparameter } from './params.ts';
import { SearchSpace } from './space.ts';
import type { Config } from './types.ts';

/** Hyperparameters the evolutionary methods never change. */
export const NOT_MUTABLE: readonly string[] = ['n_conv_l', 'n_fc_l'];

/** The kernel sizes in the order of the uniform form's index (0 -> 3, 1 -> 5, 2 -> 7). */
export const KERNEL_SIZES = [3, 5, 7] as const;

/** The input ([C, H, W]) and number of classes of the paper's two CNN problems (docs/methods.md#problems). */
export const NAS_PROBLEMS: Readonly<Record<'flowers' | 'fashion', { readonly shape: readonly [number, number, number]; readonly classes: number }>> = Object.freeze({
  flowers: Object.freeze({ shape: [3, 16, 16] as const, classes: 17 }),
  fashion: Object.freeze({ shape: [1, 28, 28] as const, classes: 10 }),
});

function widths(prefix: string, lower: number, upper: number, def: number): Hyperparameter[] {
  return [0, 1, 2].map((i) => ({ type: 'int', name: `${prefix}_${i}`, lower, upper, log: true, default: def }) as const);
}

function common(): Hyperparameter[] {
  return [
    { type: 'int', name: 'n_conv_l', lower: 1, upper: 3, default: 3 },
    ...widths('n_conv', 16, 1024, 128),
    { type: 'int', name: 'n_fc_l', lower: 1, upper: 3, default: 3 },
    ...widths('n_fc', 2, 512, 32),
    { type: 'float', name: 'lr_init', lower: 1e-5, upper: 1, log: true, default: 1e-3 },
    { type: 'int', name: 'batch_size', lower: 1, upper: 512, log: true, default: 128 },
  ];
}

const CONDITIONS: Record<string, Condition> = {
  n_conv_1: { parent: 'n_conv_l', in: [2, 3] },
  n_conv_2: { parent: 'n_conv_l', equals: 3 },
  // As in the paper's code: n_fc_0 carries a condition that always holds (it puts n_fc_0 at
  // depth 1 of ConfigSpace's ordering).
  n_fc_0: { parent: 'n_fc_l', in: [1, 2, 3] },
  n_fc_1: { parent: 'n_fc_l', in: [2, 3] },
  n_fc_2: { parent: 'n_fc_l', equals: 3 },
};

/** The ConfigSpace form: kernel_size in {7, 5, 3}, booleans, conditional widths. */
export function nasSpace(): SearchSpace {
  return new SearchSpace(
    [
      ...common(),
      { type: 'categorical', name: 'kernel_size', choices: [7, 5, 3], default: 5 },
      { type: 'categorical', name: 'batch_norm', choices: [false, true], default: false },
      { type: 'categorical', name: 'global_avg_pooling', choices: [false, true], default: true },
    ],
    CONDITIONS,
  );
}

/** MO-BOHB's "uniform" form: kernel_size an index 0..2 into [3, 5, 7], booleans as 0..1. */
export function nasUniformSpace(): SearchSpace {
  return new SearchSpace(
    [
      ...common(),
      { type: 'int', name: 'kernel_size', lower: 0, upper: 2, default: 1 },
      { type: 'int', name: 'batch_norm', lower: 0, upper: 1, default: 0 },
      { type: 'int', name: 'global_avg_pooling', lower: 0, upper: 1, default: 1 },
    ],
    CONDITIONS,
  );
}

/** The Ax form: the same hyperparameters with no conditions (unused widths are ignored). */
export function nasAxSpace(): SearchSpace {
  return new SearchSpace([
    ...common(),
    { type: 'categorical', name: 'kernel_size', choices: [3, 5, 7], default: 5 },
    { type: 'categorical', name: 'batch_norm', choices: [false, true], default: false },
    { type: 'categorical', name: 'global_avg_pooling', choices: [false, true], default: true },
  ]);
}

/** The architecture and training settings a configuration of any of the three forms describes. */
export interface NetworkConfig {
  convWidths: number[];
  fcWidths: number[];
  kernelSize: 3 | 5 | 7;
  batchNorm: boolean;
  globalAvgPooling: boolean;
  lr: number;
  batchSize: number;
}

/**
 * Read a configuration of any form. The uniform form's codes are mapped back (kernel index
 * 0..2 -> 3/5/7, as the paper's network treats a value <= 2 as an index; 0/1 -> booleans).
 */
export function toNetworkConfig(config: Readonly<Config>): NetworkConfig {
  const num = (k: string): number => {
    const v = config[k];
    if (typeof v !== 'number') throw new RangeError(`toNetworkConfig: '${k}' must be a number, got ${JSON.stringify(v)}`);
    return v;
  };
  const bool = (k: string): boolean => {
    const v = config[k];
    if (typeof v === 'boolean') return v;
    if (v === 0 || v === 1) return v === 1;
    throw new RangeError(`toNetworkConfig: '${k}' must be a boolean or 0/1, got ${JSON.stringify(v)}`);
  };
  const nConv = num('n_conv_l'), nFc = num('n_fc_l');
  let k = num('kernel_size');
  if (k <= 2) k = KERNEL_SIZES[k];
  if (k !== 3 && k !== 5 && k !== 7) throw new RangeError(`toNetworkConfig: kernel_size must be 3, 5 or 7 (or an index 0..2), got ${k}`);
  return {
    convWidths: Array.from({ length: nConv }, (_, i) => num(`n_conv_${i}`)),
    fcWidths: Array.from({ length: nFc }, (_, i) => num(`n_fc_${i}`)),
    kernelSize: k,
    batchNorm: bool('batch_norm'),
    globalAvgPooling: bool('global_avg_pooling'),
    lr: num('lr_init'),
    batchSize: num('batch_size'),
  };
}

/** Fill the widths of inactive layers with 16, as the paper's methods do before evaluating (docs/methods.md#space-inactive). */
export function fillInactiveWidths(config: Readonly<Config>): Config {
  const out: Config = { ...config };
  for (const k of ['n_conv_0', 'n_conv_1', 'n_conv_2', 'n_fc_0', 'n_fc_1', 'n_fc_2']) if (!(k in out)) out[k] = 16;
  return out;
}
