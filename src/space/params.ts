import type { ParamValue } from './types.ts';

/** An integer hyperparameter on [lower, upper], linear or log scale. */
export interface IntParam {
  type: 'int';
  name: string;
  lower: number;
  upper: number;
  log?: boolean;
  default?: number;
}

/** A real hyperparameter on [lower, upper], linear or log scale. */
export interface FloatParam {
  type: 'float';
  name: string;
  lower: number;
  upper: number;
  log?: boolean;
  default?: number;
}

/** An unordered choice. */
export interface CategoricalParam {
  type: 'categorical';
  name: string;
  choices: readonly ParamValue[];
  default?: ParamValue;
}

/** An ordered choice (a sequence whose order matters, e.g. 'small' < 'medium' < 'large'). */
export interface OrdinalParam {
  type: 'ordinal';
  name: string;
  sequence: readonly ParamValue[];
  default?: ParamValue;
}

/** A fixed value. */
export interface ConstantParam {
  type: 'constant';
  name: string;
  value: ParamValue;
}

export type Hyperparameter = IntParam | FloatParam | CategoricalParam | OrdinalParam | ConstantParam;

/** Leaf conditions on one parent, and their conjunctions / disjunctions. */
export type Condition =
  | { parent: string; equals: ParamValue }
  | { parent: string; in: readonly ParamValue[] }
  | { and: readonly Condition[] }
  | { or: readonly Condition[] };

/** ConfigSpace widens integer ranges by this much on both sides before sampling (then rounds). */
export const INT_WIDEN = 0.49999;

/** Parents a condition refers to. */
export function conditionParents(c: Condition): string[] {
  if ('and' in c) return c.and.flatMap(conditionParents);
  if ('or' in c) return c.or.flatMap(conditionParents);
  return [c.parent];
}

/** Evaluate a condition; a parent that is itself inactive (absent) makes a leaf false. */
export function holds(c: Condition, config: Readonly<Record<string, ParamValue>>): boolean {
  if ('and' in c) return c.and.every((x) => holds(x, config));
  if ('or' in c) return c.or.some((x) => holds(x, config));
  if (!(c.parent in config)) return false;
  const v = config[c.parent];
  if ('equals' in c) return v === c.equals;
  return c.in.includes(v);
}
