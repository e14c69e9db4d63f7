// Float64 twin of a whole network's evaluation-mode forward pass (BatchNorm with running
// statistics), composed from the layer twins: the oracle for model-level tests (morphism,
// pruning, state round trips).
import type { ModelState } from '../backend.ts';
import { BATCHNORM } from '../backend.ts';
import type { NetworkSpec } from '../network.ts';
import { batchnormForwardEvalReference } from './batchnorm.ts';
import { conv2dForwardReference } from './conv2d.ts';
import { denseForwardReference } from './dense.ts';
import { globalAvgPoolForwardReference } from './global-avg-pool.ts';
import { maxpool2x2ForwardReference } from './maxpool2x2.ts';

/** The logits [n, classes] of `n` samples x [n, C, H, W] in evaluation mode. */
export function networkForwardReference(spec: NetworkSpec, state: ModelState, x: ArrayLike<number>, n: number): Float64Array {
  const get = (name: string): Float32Array => {
    const t = state.get(name);
    if (!t) throw new RangeError(`networkForwardReference: no tensor '${name}'`);
    return t;
  };
  let a: ArrayLike<number> = x;
  spec.convs.forEach((l, i) => {
    let y = conv2dForwardReference({ batch: n, inChannels: l.cin, outChannels: l.cout, height: l.h, width: l.w, kernelSize: l.k }, a, get(`conv${i}.weight`), get(`conv${i}.bias`));
    y = y.map((v) => Math.max(v, 0));
    if (l.batchNorm) {
      const gb = get(`bn${i}`), r = state.get(`bn${i}.running`) ?? new Float32Array(2 * l.cout).fill(1, l.cout);
      y = batchnormForwardEvalReference({ n, c: l.cout, h: l.h, w: l.w }, y, gb.subarray(0, l.cout), gb.subarray(l.cout), r.subarray(0, l.cout), r.subarray(l.cout), BATCHNORM.eps);
    }
    a = l.pool ? maxpool2x2ForwardReference({ n, c: l.cout, h: l.h, w: l.w }, y).y : y;
  });
  const [c, h, w] = spec.features;
  let z: ArrayLike<number> = spec.globalAvgPooling ? globalAvgPoolForwardReference({ n, c, h, w }, a) : a;
  spec.dense.forEach((d, j) => {
    z = denseForwardReference({ batch: n, inFeatures: d.in, outFeatures: d.out }, z, get(`fc${j}.weight`), get(`fc${j}.bias`), d.relu);
  });
  return Float64Array.from(z);
}
