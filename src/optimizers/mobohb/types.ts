// Types shared by MO-BOHB's parts.

/**
 * 'paper' reproduces the reference code's documented behaviour (METHODS.md §9, bugs of §15
 * kept except crashes, hangs and the split-cache collision); 'fixed' repairs those bugs.
 */
export type MobohbVariant = 'fixed' | 'paper';
