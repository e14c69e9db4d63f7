// `paretonas/pareto`: the Pareto utilities alone. Importing this loads build/pareto.wasm and
// nothing of the optimizers, surrogates, training or WebGPU code, so a bundle for an embedder
// carries only these functions and that module.
export { fromRows, toRows } from './fromRows.ts';
export type { Maximise, ObjectiveOptions, PointData } from './validate.ts';
export { hypervolume } from './hypervolume.ts';
export { hvContributions, type HvContributionsOptions } from './hvContributions.ts';
export { ndsort } from './ndsort.ts';
export { isNonDominated, nonDominatedPoints, type NonDominatedOptions } from './nonDominated.ts';
export { crowdingDistance } from './crowdingDistance.ts';
export { igd, igdPlus, epsilonAdditive } from './indicators.ts';
export { hvApprox, HV_APPROX_METHODS, type HvApproxMethod, type HvApproxOptions, type HvApproxResult } from './hvApprox.ts';
export { dominatedSets, compareSets, type DominatedSetsOptions, type DominatedSetsResult } from './dominatedSets.ts';
export { eaf, eafDiff, eafPercentileLevel, type EafOptions, type EafSurface } from './eaf.ts';
export { ParetoArchive, type ArchiveFront } from './archive.ts';
