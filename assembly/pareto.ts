// The Pareto kernel module (build/pareto.wasm): flat functions over raw pointers into linear
// memory. Conventions: points are row-major f64[n*d], every objective minimised (the host flips
// maximised ones while copying in), inputs are never written, outputs go to caller buffers.
export { alloc, dealloc } from './common/memory';
export { hypervolume } from './hypervolume/index';
export { hvContributions } from './hypervolume/hvc';
export { ndsort, nonDominated } from './ndsort/index';
export { crowdingDistance } from './indicators/crowding';
export { igd, igdPlus, epsilonAdditive } from './indicators/distance';
export { hvApprox } from './hvapprox/index';
export { eafCompute, eafDiff2d } from './eaf/index';
export { archiveCreate, archiveFree, archiveInsert, archiveRemove, archiveSize, archiveHypervolume, archiveFront, archiveDropped, archiveContributions } from './archive/index';
