// Public API: re-exports only.
export { fromRows, toRows } from './pareto/fromRows.ts';
export type { Maximise, ObjectiveOptions, PointData } from './pareto/validate.ts';
export { hypervolume } from './pareto/hypervolume.ts';
export { crowdingDistance } from './pareto/crowdingDistance.ts';
export { igd, igdPlus, epsilonAdditive } from './pareto/indicators.ts';
export { hvContributions } from './pareto/hvContributions.ts';
export { ndsort } from './pareto/ndsort.ts';
export { isNonDominated, nonDominatedPoints } from './pareto/nonDominated.ts';
