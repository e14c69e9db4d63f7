// The surrogate kernel module (build/surrogates.wasm): expected hypervolume improvement, the
// MO-BANANAS predictor and Gaussian processes, as flat functions over raw pointers into linear
// memory (same conventions as pareto.ts).
export { alloc, dealloc } from './common/memory';
export { ehvi2, ehvi3, hviSamples, gaussTail } from './ehvi/index';
export { mlpPredict, mlpTrain } from './mlp/index';
export {
  gpWorkspaceBytes, gpLml, gpLmlGrad, gpJitter, gpModelBytes, gpPredictScratchBytes, gpFinalize, gpPredict, gpKernelMatrix, gpCholesky,
  gpPredictGradScratchBytes, gpPredictGrad, gpPredictBatchScratchBytes, gpPredictBatch, gpBatchExtOffset,
} from './gp/index';
