// Types shared by MO-BOHB's parts.
import type { Variant } from '../options.ts';

/**
 * 'paper' reproduces the reference code's documented behaviour (docs/methods.md#mobohb, bugs
 * kept except crashes, hangs and the split-cache collision); 'fixed' repairs those bugs.
 */
export type MobohbVariant = Variant;
