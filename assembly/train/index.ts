// The CPU training module (build/train.wasm, and build/train-relaxed.wasm with relaxed SIMD):
// f32 kernels over raw pointers into linear memory, NCHW tensors as the WGSL kernels use them.
// Each worker instantiates its own copy; the host allocates every tensor once per network and
// calls the kernels step by step, so nothing crosses the boundary inside a step.
export { alloc, dealloc } from '../common/memory';
export { simdFlavour } from './simd';
export { reluForward, reluBackward } from './relu';
export { batchnormForwardTrain, batchnormForwardEval, batchnormBackward } from './batchnorm';
export { maxpool2x2Forward, maxpool2x2Backward } from './maxpool2x2';
export { globalAvgPoolForward, globalAvgPoolBackward } from './global-avg-pool';
export { softmaxCrossEntropy, softCrossEntropy, mseLoss } from './softmax-cross-entropy';
export { adamStep, adamStepScaled } from './adam';
export { accuracyCounts } from './accuracy';
export { gatherBatch } from './gather-batch';
export { augmentBatch, mixTargets } from './augment';
export { sgemmPeak, sgemmWorkspaceBytes } from './gemm';
export { conv2dWorkspaceBytes, conv2dForward, conv2dGradInput, conv2dGradWeight } from './conv2d';
export { denseWorkspaceBytes, denseForward, denseBackward } from './dense';
