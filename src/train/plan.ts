// The training plan of a network: its layers as ops over named tensors, built once from a
// NetworkSpec and a batch size, and read by every backend (WebGPU, WebAssembly). A backend
// turns the forward list into its own program (prepared dispatches, or kernel calls) and derives
// the backward pass by walking it in reverse; names are shared so that tests and callers can read
// any parameter or gradient by the same name on either backend.
import type { NetworkSpec } from './network.ts';

/** A parameter tensor: `size` floats at `offset` of the initial parameter vector. */
export interface PlanParam {
  /** conv{i}.weight, conv{i}.bias, bn{i} (γ then β, one tensor), fc{j}.weight, fc{j}.bias */
  name: string;
  size: number;
  /** offset of its first float in initParameters(spec) (for bn{i}: of γ; β follows at offset(β)) */
  offsets: number[];
  sizes: number[];
}

/** An activation: floats per sample; every activation but the input has a gradient of the same size. */
export interface PlanActivation {
  name: string;
  perSample: number;
}

export type PlanOp =
  | { op: 'conv2d'; x: string; y: string; weight: string; bias: string; cin: number; cout: number; h: number; w: number; k: number; needDx: boolean }
  /** in place on x (the conv output); its gradient is masked in place too */
  | { op: 'relu'; x: string; perSample: number }
  | { op: 'batchnorm'; x: string; y: string; params: string; c: number; h: number; w: number }
  | { op: 'maxpool2x2'; x: string; y: string; c: number; h: number; w: number }
  | { op: 'globalAvgPool'; x: string; y: string; c: number; h: number; w: number }
  | { op: 'dense'; x: string; y: string; weight: string; bias: string; in: number; out: number; relu: boolean; needDx: boolean };

export interface TrainingPlan {
  spec: NetworkSpec;
  /** samples per full batch (the last batch of an epoch may be shorter) */
  batch: number;
  lr: number;
  params: PlanParam[];
  activations: PlanActivation[];
  /** the forward pass after the batch is gathered into 'input' */
  forward: PlanOp[];
  /** the logits tensor, [batch, numClasses] */
  logits: string;
}

/** The plan of `spec` for batches of up to `batch` samples, trained with Adam at `lr`. */
export function buildPlan(spec: NetworkSpec, batch: number, lr: number): TrainingPlan {
  const byName = new Map(spec.params.map((p) => [p.name, p]));
  const param = (name: string): PlanParam => {
    const p = byName.get(name)!;
    return { name, size: p.size, offsets: [p.offset], sizes: [p.size] };
  };
  const params: PlanParam[] = [];
  const activations: PlanActivation[] = [];
  const forward: PlanOp[] = [];
  const [c0, h0, w0] = spec.input;
  activations.push({ name: 'input', perSample: c0 * h0 * w0 });
  let x = 'input';
  spec.convs.forEach((c, i) => {
    params.push(param(`conv${i}.weight`), param(`conv${i}.bias`));
    const conv = `conv${i}`;
    activations.push({ name: conv, perSample: c.cout * c.h * c.w });
    forward.push({ op: 'conv2d', x, y: conv, weight: `conv${i}.weight`, bias: `conv${i}.bias`, cin: c.cin, cout: c.cout, h: c.h, w: c.w, k: c.k, needDx: i > 0 });
    forward.push({ op: 'relu', x: conv, perSample: c.cout * c.h * c.w });
    x = conv;
    if (c.batchNorm) {
      const g = byName.get(`bn${i}.weight`)!, b = byName.get(`bn${i}.bias`)!;
      params.push({ name: `bn${i}`, size: 2 * c.cout, offsets: [g.offset, b.offset], sizes: [g.size, b.size] });
      activations.push({ name: `bn${i}`, perSample: c.cout * c.h * c.w });
      forward.push({ op: 'batchnorm', x, y: `bn${i}`, params: `bn${i}`, c: c.cout, h: c.h, w: c.w });
      x = `bn${i}`;
    }
    if (c.pool) {
      const pool = `pool${i}`;
      activations.push({ name: pool, perSample: c.cout * Math.floor(c.h / 2) * Math.floor(c.w / 2) });
      forward.push({ op: 'maxpool2x2', x, y: pool, c: c.cout, h: c.h, w: c.w });
      x = pool;
    }
  });
  if (spec.globalAvgPooling) {
    const [c, h, w] = spec.features;
    activations.push({ name: 'gap', perSample: c });
    forward.push({ op: 'globalAvgPool', x, y: 'gap', c, h, w });
    x = 'gap';
  }
  spec.dense.forEach((d, j) => {
    params.push(param(`fc${j}.weight`), param(`fc${j}.bias`));
    activations.push({ name: `fc${j}`, perSample: d.out });
    forward.push({ op: 'dense', x, y: `fc${j}`, weight: `fc${j}.weight`, bias: `fc${j}.bias`, in: d.in, out: d.out, relu: d.relu, needDx: true });
    x = `fc${j}`;
  });
  return { spec, batch, lr, params, activations, forward, logits: x };
}

/** The parameters of `plan` as one Float32Array per tensor, from the flat initial vector. */
export function splitParameters(plan: TrainingPlan, init: Float32Array): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const p of plan.params) {
    const t = new Float32Array(p.size);
    let at = 0;
    p.offsets.forEach((o, k) => {
      t.set(init.subarray(o, o + p.sizes[k]), at);
      at += p.sizes[k];
    });
    out.set(p.name, t);
  }
  return out;
}
