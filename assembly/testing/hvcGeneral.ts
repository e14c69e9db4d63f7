// Test-only entry point, not part of the package build (`asc assembly/index.ts`): the tests
// compile it on the fly to check the general-d path of hvContributions (`hvcGeneral`) against
// the reference twin in every dimension that `hypervolume` supports, including d = 1, 2, 3
// where the package itself dispatches to the dedicated sweeps.
export { alloc, dealloc } from '../common/memory';
export { hypervolume } from '../hypervolume/index';
export { hvcGeneral } from '../hypervolume/hvc';
