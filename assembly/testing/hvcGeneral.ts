// Test-only entry point, not part of the package build (`asc assembly/pareto.ts`): the tests
// compile it on the fly to check the general-d path of hvContributions (`hvcGeneral`) against
// the reference twin in d = 1, 2, 3 too, where the package itself dispatches to the dedicated
// sweeps.
export { alloc, dealloc } from '../common/memory';
export { hvcGeneral } from '../hypervolume/hvc';
