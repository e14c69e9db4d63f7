// The known, deterministic second objective of MS-EHVI (docs/methods.md#msehvi-surrogate): the log10
// parameter count of the candidate network. Variant 'fixed' (default) counts the network that
// is actually built (docs/methods.md#cnn-param-count, for the problem's input shape and classes); 'paper' uses the
// reference code's approximation extract_num_parameters (docs/methods.md#cnn-approx-count: 3 input channels, 10 classes,
// flatten factors 64/16/4), which MS-EHVI's candidate predictions used there (docs/methods.md#odd-3, docs/methods.md#odd-29).
import type { SearchSpace } from '../../space/space.ts';
import { toNetworkConfig } from '../../space/nas.ts';
import type { Config } from '../../space/types.ts';
import { approximateParameterCount, networkSpec } from '../../train/network.ts';

export type KnownObjectiveFn = (config: Readonly<Config>) => number;

/** Hyperparameters a configuration needs for a parameter count. */
const NAS_NAMES = ['n_conv_l', 'n_conv_0', 'n_fc_l', 'n_fc_0', 'kernel_size', 'batch_norm', 'global_avg_pooling'];

/** Whether a space describes the paper's CNN (so that a configuration has a parameter count). */
export function isNasSpace(space: SearchSpace): boolean {
  return NAS_NAMES.every((n) => space.has(n));
}

/** log10 of the parameter count of a configuration's network. */
export function log10ParamCount(variant: 'fixed' | 'paper', input: readonly [number, number, number], numClasses: number): KnownObjectiveFn {
  if (variant === 'paper') return (c) => Math.log10(approximateParameterCount(toNetworkConfig(c)));
  const inp: [number, number, number] = [input[0], input[1], input[2]];
  return (c) => Math.log10(networkSpec(toNetworkConfig(c), inp, numClasses).numParams);
}
