// Public API (runs in Node, Deno and browsers): re-exports only. Node-only parts (the journal
// file storage, the run-directory search runner, the CLI) are in ./node.ts.

// Pareto utilities (WebAssembly kernels)
export { fromRows, toRows } from './pareto/fromRows.ts';
export type { Maximise, ObjectiveOptions, PointData } from './pareto/validate.ts';
export { hypervolume } from './pareto/hypervolume.ts';
export { hvContributions, type HvContributionsOptions } from './pareto/hvContributions.ts';
export { ndsort } from './pareto/ndsort.ts';
export { isNonDominated, nonDominatedPoints, type NonDominatedOptions } from './pareto/nonDominated.ts';
export { crowdingDistance } from './pareto/crowdingDistance.ts';
export { igd, igdPlus, epsilonAdditive } from './pareto/indicators.ts';
export { hvApprox, HV_APPROX_METHODS, type HvApproxMethod, type HvApproxOptions, type HvApproxResult } from './pareto/hvApprox.ts';
export { dominatedSets, compareSets, type DominatedSetsOptions, type DominatedSetsResult } from './pareto/dominatedSets.ts';
export { eaf, eafDiff, eafPercentileLevel, type EafOptions, type EafSurface } from './pareto/eaf.ts';
export { ParetoArchive, type ArchiveFront } from './pareto/archive.ts';

// Search spaces
export { SearchSpace, type SearchSpaceJSON } from './space/space.ts';
export type { Hyperparameter, Condition, IntParam, FloatParam, CategoricalParam, OrdinalParam, ConstantParam } from './space/params.ts';
export type { Config, ParamValue } from './space/types.ts';
export { Sobol } from './space/sobol.ts';
export { nasSpace, nasUniformSpace, nasAxSpace, toNetworkConfig, fillInactiveWidths, NOT_MUTABLE, type NetworkConfig } from './space/nas.ts';
export { Rng } from './random/rng.ts';

// Studies and methods
export { Study, type Trial, type StudyOptions, type OptimizeOptions, type ResumeOptions, type MethodFactory, type ObjectiveResult, type TellResult } from './study/study.ts';
export { MemoryStorage, type Storage } from './study/storage.ts';
export type { StudyEvent, StudyMeta } from './study/events.ts';
export { getMethod, methodNames, methodOptions, registerMethod, type MethodEntry, type SpaceForm } from './optimizers/index.ts';
export { mergeOptions, OptionChecks, type Variant, type PaperProblem, type CommonOptions, type OptionRules } from './optimizers/options.ts';
export type { Optimizer, OptimizerContext, OptimizerFactory, AskResult, Suggestion, FinishedTrial, TrialState } from './optimizers/types.ts';

// Problems
export { makeProblem, problemNames, registerProblem, type ProblemOptions } from './problems/index.ts';
export { BraninCurrin, Zdt1, Zdt2, Zdt3, Dtlz2 } from './problems/synthetic.ts';
export type { Problem, Evaluation, EvaluateOptions, ObjectiveSpec, Direction, TrainingProgress } from './problems/types.ts';
export { CnnProblem, type CnnProblemOptions } from './problems/cnn.ts';
export { PooledProblem, cloneableOptions, type PoolOptions } from './problems/pool.ts';
export { loadFlowers, loadFashion, type Dataset, type Split } from './datasets/index.ts';
export { parseNpy } from './datasets/npy.ts';
export { parseIdx } from './datasets/idx.ts';

// Training: one executor over two backends (WebGPU, WebAssembly SIMD on the CPU)
export { acquireGpu, type Gpu, type AcquireOptions } from './gpu/device.ts';
export { GpuRuntime } from './gpu/runtime.ts';
export { networkSpec, initParameters, approximateParameterCount, type NetworkSpec } from './train/network.ts';
export { buildPlan, type TrainingPlan, type PlanOp } from './train/plan.ts';
export { trainAndEvaluate, type TrainOptions, type TrainResult, type EpochInfo } from './train/trainer.ts';
export { DoesNotFitError, type TrainingBackend, type NetworkProgram, type ResidentDataset, type BackendKind } from './train/backend.ts';
export { openBackend, WasmBackend, WebGpuBackend, TRAINER_SHADERS, DEVICE_CHOICES, type DeviceChoice, type OpenedBackend } from './train/backends/index.ts';

// Surrogates (WebAssembly kernels behind validated facades)
export { GaussianProcess, gpLogMarginalLikelihood, gpKernelMatrix, cholesky, type GpFitOptions, type GpHyperparameters, type GpPrediction, type GpPriors } from './surrogates/gp.ts';
export { ehvi2, ehvi3, ehviQmc, type EhviQmcOptions, type EhviEstimate } from './surrogates/ehvi.ts';
export { Mlp, MlpEnsemble } from './surrogates/mlp.ts';
export { ParzenEstimator } from './surrogates/parzen.ts';
