// The WebGPU training backend: the WGSL kernels of src/train/kernels/ over a TrainingPlan. The
// dataset lives on the device (bytes four to a word where every pixel is k/255), batches are
// gathered there from a shuffled index buffer, one command buffer per training step, and the
// per-step losses land in a buffer read once per epoch.
import type { Dataset, Split } from '../../datasets/index.ts';
import type { Gpu } from '../../gpu/device.ts';
import { GpuRuntime, type DispatchSpec, type PreparedDispatch } from '../../gpu/runtime.ts';
import {
  ADAM, BATCHNORM, DoesNotFitError, initialTensors, type BuildOptions, type ModelState, type NetworkProgram, type ResidentDataset, type SplitEvaluation, type TrainingBackend,
} from '../backend.ts';
import { AUGMENT_SHADERS, augmentBatch, mixTargets } from '../kernels/augment.ts';
import { ACCURACY_SHADERS, accuracy } from '../kernels/accuracy.ts';
import { ADAM_SHADERS, adamStep } from '../kernels/adam.ts';
import { BATCHNORM_SHADERS, batchnormBackward, batchnormForwardEval, batchnormForwardTrain, batchnormWorkspaceFloats } from '../kernels/batchnorm.ts';
import { CONV2D_SHADERS, conv2dForward, conv2dGradInput, conv2dGradWeight, conv2dGradWeightScratchBytes, type Conv2dShape } from '../kernels/conv2d.ts';
import { DENSE_SHADERS, denseBackward, denseForward, denseWorkspaceFloatsUpTo } from '../kernels/dense.ts';
import { GATHER_BATCH_SHADERS, gatherBatch, packBytes, toUnitBytes, unitByteTable } from '../kernels/gather-batch.ts';
import { GLOBAL_AVG_POOL_SHADERS, globalAvgPoolBackward, globalAvgPoolForward } from '../kernels/global-avg-pool.ts';
import { MAXPOOL2X2_SHADERS, maxpool2x2Backward, maxpool2x2Forward } from '../kernels/maxpool2x2.ts';
import { RELU_SHADERS, reluBackward, reluForward } from '../kernels/relu.ts';
import { mseLoss, SOFTMAX_CROSS_ENTROPY_SHADERS, softCrossEntropy, softmaxCrossEntropy } from '../kernels/softmax-cross-entropy.ts';
import type { PlanOp, TrainingPlan } from '../plan.ts';

/** Every shader the WebGPU backend uses. */
export const TRAINER_SHADERS: readonly string[] = [
  ...CONV2D_SHADERS, ...RELU_SHADERS, ...BATCHNORM_SHADERS, ...MAXPOOL2X2_SHADERS, ...GLOBAL_AVG_POOL_SHADERS,
  ...DENSE_SHADERS, ...SOFTMAX_CROSS_ENTROPY_SHADERS, ...ADAM_SHADERS, ...ACCURACY_SHADERS, ...GATHER_BATCH_SHADERS, ...AUGMENT_SHADERS,
];

interface GpuSplit {
  data: GPUBuffer;
  format: 'f32' | 'u8';
  labels: GPUBuffer;
  n: number;
}

interface GpuDataset extends ResidentDataset {
  train: GpuSplit;
  val: GpuSplit;
  test: GpuSplit;
  /** byte decode table for 'u8' splits */
  table: GPUBuffer;
  /** 0, 1, 2, ... (the order of the evaluation passes) */
  identity: GPUBuffer;
}

interface Tensor {
  param: GPUBuffer;
  grad: GPUBuffer;
  m: GPUBuffer;
  v: GPUBuffer;
  n: number;
}

/** One pass's dispatches; `dynamic` ones get new uniforms each step (batch start, loss slot, Adam's t). */
interface Pass {
  steps: PreparedDispatch[];
  dynamic: { at: number; make: (step: number, t: number) => DispatchSpec[] }[];
  /** where a teacher's forward pass goes (after the augmentation, before the student's forward) */
  teacherAt?: number;
}

/** A teacher's forward pass on a batch copied into its input (evaluation mode), by batch size. */
interface Teach {
  rt: GpuRuntime;
  batch: number;
  input: GPUBuffer;
  logits: GPUBuffer;
  pass(b: number): Pass;
}

const teachers = new WeakMap<NetworkProgram, Teach>();

export class WebGpuBackend implements TrainingBackend {
  readonly kind = 'webgpu' as const;
  readonly description: string;

  private constructor(readonly gpu: Gpu, readonly rt: GpuRuntime) {
    this.description = gpu.adapter;
  }

  /** A backend on `gpu` (the caller keeps owning the device). */
  static async create(gpu: Gpu): Promise<WebGpuBackend> {
    return new WebGpuBackend(gpu, await GpuRuntime.create(gpu, TRAINER_SHADERS));
  }

  upload(ds: Dataset): ResidentDataset {
    const rt = this.rt;
    const up = (s: Split, label: string): GpuSplit => {
      const bytes = toUnitBytes(s.x);
      const data = bytes ? rt.upload(packBytes(bytes), `${ds.name} ${label} images`) : rt.upload(s.x, `${ds.name} ${label} images`);
      return { data, format: bytes ? 'u8' : 'f32', labels: rt.upload(new Uint32Array(s.labels), `${ds.name} ${label} labels`), n: s.n };
    };
    const maxN = Math.max(ds.train.n, ds.val.n, ds.test.n);
    const d: GpuDataset = {
      name: ds.name,
      shape: ds.shape,
      numClasses: ds.numClasses,
      sizes: { train: ds.train.n, val: ds.val.n, test: ds.test.n },
      train: up(ds.train, 'train'),
      val: up(ds.val, 'val'),
      test: up(ds.test, 'test'),
      table: rt.upload(unitByteTable(), 'byte table'),
      identity: rt.upload(Uint32Array.from({ length: maxN }, (_, i) => i), 'identity indices'),
    };
    return d;
  }

  release(data: ResidentDataset): void {
    const d = data as GpuDataset;
    for (const s of [d.train, d.val, d.test]) {
      this.rt.release(s.data);
      this.rt.release(s.labels);
    }
    this.rt.release(d.table);
    this.rt.release(d.identity);
  }

  build(plan: TrainingPlan, init: ModelState, data: ResidentDataset, options: BuildOptions = {}): NetworkProgram {
    return buildProgram(this.rt, plan, init, data as GpuDataset, options);
  }

  /** Releases the pipelines (the device stays the caller's). */
  dispose(): void {
    this.rt.destroy();
  }
}

function buildProgram(rt: GpuRuntime, plan: TrainingPlan, state: ModelState, data: GpuDataset, options: BuildOptions): NetworkProgram {
  const device = rt.device;
  const B = plan.batch;
  const init = initialTensors(plan, state);
  const teacher = options.teacher ? teachers.get(options.teacher) : undefined;
  if (options.teacher && (!teacher || teacher.rt !== rt)) throw new RangeError('build: options.teacher must be a program of the same WebGPU backend');
  if (teacher && teacher.batch !== B) throw new RangeError(`build: the teacher's batch (${teacher.batch}) must equal the student's (${B})`);
  const augment = options.augment === true || teacher !== undefined;
  const [C0, H0, W0] = plan.spec.input;
  const maxBinding = device.limits.maxStorageBufferBindingSize;
  // Every activation checked against the device before anything is allocated.
  for (const a of plan.activations) {
    const bytes = B * a.perSample * 4;
    const label = a.name === 'input' ? 'input batch' : /^conv\d+$/.test(a.name) ? `${a.name} output` : a.name;
    if (bytes > maxBinding) {
      throw new DoesNotFitError(
        `${label} of ${(bytes / 2 ** 20).toFixed(1)} MiB exceeds the device's largest storage binding (${(maxBinding / 2 ** 20).toFixed(0)} MiB): lower batch_size (${B}) or the widths`,
      );
    }
  }
  const owned: GPUBuffer[] = [];
  const passes: Pass[] = [];
  const buf = (floats: number, label: string): GPUBuffer => {
    const b = rt.buffer(Math.max(1, floats) * 4, label);
    owned.push(b);
    return b;
  };
  const filled = (values: Float32Array, label: string): GPUBuffer => {
    const b = buf(values.length, label);
    if (values.length > 0) device.queue.writeBuffer(b, 0, values as Float32Array<ArrayBuffer>);
    return b;
  };
  const dispose = () => {
    for (const p of passes) for (const d of p.steps) rt.release(d.uniform);
    for (const b of owned) rt.release(b);
  };
  try {
    device.pushErrorScope('validation');
    device.pushErrorScope('out-of-memory');
    // Parameters with their gradient and Adam state (γ and β of a BatchNorm share one tensor).
    const tensors = new Map<string, Tensor>();
    for (const p of plan.params) {
      const i = init.get(p.name)!;
      tensors.set(p.name, { param: filled(i.param, p.name), grad: buf(p.size, `${p.name} grad`), m: filled(i.m, `${p.name} adam m`), v: filled(i.v, `${p.name} adam v`), n: p.size });
    }
    // Activations and their gradients for batches of up to B samples.
    const act = new Map<string, GPUBuffer>();
    const grad = new Map<string, GPUBuffer>();
    for (const a of plan.activations) {
      act.set(a.name, buf(B * a.perSample, a.name));
      if (a.name !== 'input') grad.set(a.name, buf(B * a.perSample, `${a.name} grad`));
    }
    const argmax = new Map<string, GPUBuffer>();
    const bnState = new Map<string, { running: GPUBuffer; coef: GPUBuffer; workspace: GPUBuffer }>();
    let denseWs = 0, gwBytes = 0;
    const convShape = (o: Extract<PlanOp, { op: 'conv2d' }>, b: number): Conv2dShape => ({ batch: b, inChannels: o.cin, outChannels: o.cout, height: o.h, width: o.w, kernelSize: o.k });
    for (const o of plan.forward) {
      if (o.op === 'maxpool2x2') argmax.set(o.y, buf(B * o.c * Math.floor(o.h / 2) * Math.floor(o.w / 2), `${o.y} argmax`));
      if (o.op === 'batchnorm') {
        bnState.set(o.params, { running: filled(init.get(o.params)!.running!, `${o.params} running`), coef: buf(4 * o.c, `${o.params} coef`), workspace: buf(batchnormWorkspaceFloats({ n: B, c: o.c, h: o.h, w: o.w }), `${o.params} workspace`) });
      }
      // the last batch of an epoch and the evaluation batches are smaller than B, and may split K more finely
      if (o.op === 'dense') denseWs = Math.max(denseWs, denseWorkspaceFloatsUpTo({ batch: B, inFeatures: o.in, outFeatures: o.out }));
      if (o.op === 'conv2d') gwBytes = Math.max(gwBytes, conv2dGradWeightScratchBytes(convShape(o, B)));
    }
    const denseWorkspace = denseWs > 0 ? buf(denseWs, 'dense split-K workspace') : undefined;
    const gwScratch = gwBytes > 0 ? buf(gwBytes / 4, 'conv grad-weight scratch') : undefined;
    const labels = buf(B, 'labels batch');
    const rowLoss = buf(B, 'row losses');
    const stepsPerEpoch = Math.ceil(data.sizes.train / B);
    const epochLoss = buf(stepsPerEpoch, 'epoch losses');
    const order = buf(data.sizes.train, 'epoch order');
    const counters = buf(4, 'accuracy counters');
    const evalLoss = buf(1, 'summed evaluation loss');
    const sample = C0 * H0 * W0;
    // Bulk & Cut's augmentation: the gathered batch, the step's draws, the mixed targets
    const aug = augment
      ? { raw: buf(B * sample, 'gathered batch'), flip: buf(B, 'flip flags'), lambda: buf(B, 'mixup weights'), partner: buf(B, 'mixup partners'), targets: buf(B * data.numClasses, 'mixed targets') }
      : undefined;
    const numClasses = data.numClasses;
    const logits = act.get(plan.logits)!, dlogits = grad.get(plan.logits)!;

    /**
     * The passes of a batch of b samples. 'train': gather (and augment), forward with BatchNorm's
     * batch statistics, the loss, backward, Adam; 'eval': gather from a sample offset (the step
     * argument), forward, accuracy counts and the summed loss; 'teach': forward only, from the
     * input buffer (a student copies its augmented batch there).
     */
    const forward = (b: number, mode: 'train' | 'eval' | 'teach', split: GpuSplit, indices: GPUBuffer): Pass => {
      const train = mode === 'train';
      const specs: DispatchSpec[] = [];
      const dynamic: Pass['dynamic'] = [];
      let teacherAt: number | undefined;
      const gather = (start: number) => gatherBatch(
        { batch: b, c: C0, h: H0, w: W0 },
        { data: split.data, indices: { buffer: indices, offset: start }, labels: split.labels, table: data.table, x: train && aug ? aug.raw : act.get('input')!, y: labels },
        { format: split.format, layout: 'nchw' },
      );
      if (mode !== 'teach') {
        dynamic.push({ at: specs.length, make: (step) => gather(train ? step * B : step) });
        specs.push(...gather(0));
      }
      if (train && aug) {
        specs.push(...augmentBatch({ n: b, c: C0, h: H0, w: W0 }, { x: aug.raw, out: act.get('input')!, flip: aug.flip, lambda: aug.lambda, partner: aug.partner }));
        if (teacher) teacherAt = specs.length;
      }
      for (const o of plan.forward) {
        switch (o.op) {
          case 'conv2d':
            specs.push(...conv2dForward(convShape(o, b), { x: act.get(o.x)!, w: tensors.get(o.weight)!.param, b: tensors.get(o.bias)!.param, y: act.get(o.y)! }));
            break;
          case 'relu':
            specs.push(...reluForward({ n: b * o.perSample }, { x: act.get(o.x)! }));
            break;
          case 'batchnorm': {
            const s = bnState.get(o.params)!;
            const weights = tensors.get(o.params)!.param;
            const io = {
              x: act.get(o.x)!, y: act.get(o.y)!, coef: s.coef,
              gamma: { buffer: weights, offset: 0 }, beta: { buffer: weights, offset: o.c },
              runningMean: { buffer: s.running, offset: 0 }, runningVar: { buffer: s.running, offset: o.c },
            };
            const shape = { n: b, c: o.c, h: o.h, w: o.w };
            specs.push(...(train ? batchnormForwardTrain(shape, { ...io, workspace: s.workspace }, BATCHNORM) : batchnormForwardEval(shape, io, { eps: BATCHNORM.eps })));
            break;
          }
          case 'maxpool2x2':
            specs.push(...maxpool2x2Forward({ n: b, c: o.c, h: o.h, w: o.w }, { x: act.get(o.x)!, y: act.get(o.y)!, argmax: argmax.get(o.y)! }));
            break;
          case 'globalAvgPool':
            specs.push(...globalAvgPoolForward({ n: b, c: o.c, h: o.h, w: o.w }, { x: act.get(o.x)!, y: act.get(o.y)! }));
            break;
          case 'dense':
            specs.push(...denseForward(
              { batch: b, inFeatures: o.in, outFeatures: o.out },
              { x: act.get(o.x)!, weight: tensors.get(o.weight)!.param, bias: tensors.get(o.bias)!.param, y: act.get(o.y)!, workspace: denseWorkspace },
              { relu: o.relu },
            ));
            break;
        }
      }
      if (train) {
        const shape = { rows: b, classes: numClasses };
        if (aug && !teacher) specs.push(...mixTargets({ n: b, classes: numClasses }, { labels, lambda: aug.lambda, partner: aug.partner, targets: aug.targets }));
        const loss = (step: number) => {
          const slot = { buffer: epochLoss, offset: step };
          if (teacher) return mseLoss(shape, { logits, teacher: teacher.logits, dlogits, rowLoss, loss: slot });
          if (aug) return softCrossEntropy(shape, { logits, targets: aug.targets, dlogits, rowLoss, loss: slot });
          return softmaxCrossEntropy(shape, { logits, labels, dlogits, rowLoss, loss: slot });
        };
        dynamic.push({ at: specs.length, make: (step) => loss(step) });
        specs.push(...loss(0));
        backward(b, specs, dynamic);
      } else if (mode === 'eval') {
        specs.push(...accuracy({ rows: b, classes: numClasses }, { logits, labels, counters }));
        specs.push(...softmaxCrossEntropy({ rows: b, classes: numClasses }, { logits, labels, rowLoss, loss: { buffer: evalLoss, offset: 0 } }, { accumulate: true, lossWeight: 1 }));
      }
      const pass: Pass = { steps: specs.map((s) => rt.prepare(s)), dynamic, teacherAt };
      passes.push(pass);
      return pass;
    };

    const backward = (b: number, specs: DispatchSpec[], dynamic: Pass['dynamic']): void => {
      for (let i = plan.forward.length - 1; i >= 0; i--) {
        const o = plan.forward[i];
        switch (o.op) {
          case 'dense': {
            if (o.relu) specs.push(...reluBackward({ n: b * o.out }, { y: act.get(o.y)!, dy: grad.get(o.y)! }));
            specs.push(...denseBackward({ batch: b, inFeatures: o.in, outFeatures: o.out }, {
              x: act.get(o.x)!, weight: tensors.get(o.weight)!.param, dy: grad.get(o.y)!, dx: o.needDx ? grad.get(o.x)! : undefined,
              dweight: tensors.get(o.weight)!.grad, dbias: tensors.get(o.bias)!.grad, workspace: denseWorkspace,
            }));
            break;
          }
          case 'globalAvgPool':
            specs.push(...globalAvgPoolBackward({ n: b, c: o.c, h: o.h, w: o.w }, { dy: grad.get(o.y)!, dx: grad.get(o.x)! }));
            break;
          case 'maxpool2x2':
            specs.push(...maxpool2x2Backward({ n: b, c: o.c, h: o.h, w: o.w }, { dy: grad.get(o.y)!, argmax: argmax.get(o.y)!, dx: grad.get(o.x)! }));
            break;
          case 'batchnorm': {
            const s = bnState.get(o.params)!;
            const grads = tensors.get(o.params)!.grad;
            specs.push(...batchnormBackward({ n: b, c: o.c, h: o.h, w: o.w }, {
              x: act.get(o.x)!, dy: grad.get(o.y)!, coef: s.coef, workspace: s.workspace, dx: grad.get(o.x)!,
              dgamma: { buffer: grads, offset: 0 }, dbeta: { buffer: grads, offset: o.c },
            }));
            break;
          }
          case 'relu':
            specs.push(...reluBackward({ n: b * o.perSample }, { y: act.get(o.x)!, dy: grad.get(o.x)! }));
            break;
          case 'conv2d':
            specs.push(...conv2dGradWeight(convShape(o, b), { x: act.get(o.x)!, dy: grad.get(o.y)!, dw: tensors.get(o.weight)!.grad, db: tensors.get(o.bias)!.grad, scratch: gwScratch }));
            if (o.needDx) specs.push(...conv2dGradInput(convShape(o, b), { dy: grad.get(o.y)!, w: tensors.get(o.weight)!.param, dx: grad.get(o.x)! }));
            break;
        }
      }
      for (const t of tensors.values()) {
        const make = (_step: number, tt: number) => adamStep({ n: t.n }, { params: t.param, grads: t.grad, m: t.m, v: t.v }, { t: tt, lr: plan.lr, ...ADAM });
        dynamic.push({ at: specs.length, make });
        specs.push(...make(0, 1));
      }
    };

    const run = (p: Pass, step: number, t: number) => {
      for (const d of p.dynamic) {
        d.make(step, t).forEach((s, k) => device.queue.writeBuffer(p.steps[d.at + k].uniform, 0, new Uint8Array(s.uniforms.data)));
      }
      const enc = device.createCommandEncoder({ label: 'paretonas step' });
      if (p.teacherAt !== undefined && teacher) {
        // the teacher runs on the student's augmented batch, before the student's forward
        rt.encode(enc, p.steps.slice(0, p.teacherAt));
        enc.copyBufferToBuffer(act.get('input')!, 0, teacher.input, 0, curSize * sample * 4);
        const tp = teacher.pass(curSize);
        rt.encode(enc, tp.steps);
        rt.encode(enc, p.steps.slice(p.teacherAt));
      } else rt.encode(enc, p.steps);
      device.queue.submit([enc.finish()]);
    };
    let curSize = B;

    const full = forward(B, 'train', data.train, order);
    const rest = data.sizes.train % B;
    const last = rest > 0 ? forward(rest, 'train', data.train, order) : undefined;
    const evalPasses = new Map<string, Pass>();
    const evalPass = (b: number, split: 'train' | 'val' | 'test' | 'teach') => {
      const key = `${split} ${b}`;
      if (!evalPasses.has(key)) evalPasses.set(key, split === 'teach' ? forward(b, 'teach', data.train, data.identity) : forward(b, 'eval', data[split], data.identity));
      return evalPasses.get(key)!;
    };
    /** Evaluation-mode passes over samples [start, start + count) of a split, batch by batch. */
    const evalBatches = async (split: 'train' | 'val' | 'test', start: number, count: number, each?: (b: number, at: number) => Promise<void>) => {
      for (let at = start; at < start + count; at += B) {
        const b = Math.min(B, start + count - at);
        run(evalPass(b, split), at, 0);
        if (each) await each(b, at);
      }
    };
    const named = (name: string): Tensor => {
      const t = tensors.get(name);
      if (!t) throw new RangeError(`NetworkProgram.read: no parameter tensor '${name}' (known: ${[...tensors.keys()].join(', ')})`);
      return t;
    };
    const program: NetworkProgram = {
      setOrder: (o) => device.queue.writeBuffer(order, 0, o as Uint32Array<ArrayBuffer>),
      trainStep: (step, _start, size, t, draws) => {
        if (aug) {
          if (!draws) throw new RangeError("trainStep: a program built with augment needs the step's draws");
          device.queue.writeBuffer(aug.flip, 0, draws.flip.slice(0, size));
          device.queue.writeBuffer(aug.lambda, 0, draws.lambda.slice(0, size));
          device.queue.writeBuffer(aug.partner, 0, draws.partner.slice(0, size));
        }
        curSize = size;
        run(size === B || !last ? full : last, step, t);
      },
      epochLosses: (steps) => rt.readF32(epochLoss, steps),
      evaluate: async (split): Promise<SplitEvaluation> => {
        device.queue.writeBuffer(counters, 0, new Uint32Array(4));
        device.queue.writeBuffer(evalLoss, 0, new Float32Array(1));
        await evalBatches(split, 0, data.sizes[split]);
        const c = new Uint32Array(await rt.read(counters, 8));
        const [loss] = await rt.readF32(evalLoss, 1);
        return { top1: c[0], top3: c[1], loss };
      },
      logits: async (split, start, count) => {
        if (!(Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 0 && start + count <= data.sizes[split])) {
          throw new RangeError(`logits: samples [${start}, ${start + count}) are not within the ${split} split's ${data.sizes[split]}`);
        }
        const out = new Float32Array(count * numClasses);
        await evalBatches(split, start, count, async (b, at) => out.set(await rt.readF32(logits, b * numClasses), (at - start) * numClasses));
        return out;
      },
      state: async (what) => {
        const out: ModelState = new Map();
        for (const [name, t] of tensors) {
          out.set(name, await rt.readF32(t.param, t.n));
          if (what === 'checkpoint') out.set(`adam.m:${name}`, await rt.readF32(t.m, t.n)).set(`adam.v:${name}`, await rt.readF32(t.v, t.n));
        }
        for (const o of plan.forward) if (o.op === 'batchnorm') out.set(`${o.params}.running`, await rt.readF32(bnState.get(o.params)!.running, 2 * o.c));
        return out;
      },
      read: (name, what) => rt.readF32(what === 'param' ? named(name).param : named(name).grad, named(name).n),
      check: async () => {
        await device.queue.onSubmittedWorkDone();
        const oom = await device.popErrorScope();
        const invalid = await device.popErrorScope();
        device.pushErrorScope('validation');
        device.pushErrorScope('out-of-memory');
        if (oom) throw new DoesNotFitError(`out of GPU memory: ${oom.message}${invalid ? `; GPU validation error: ${invalid.message}` : ''}`);
        if (invalid) throw new Error(`GPU validation error: ${invalid.message}`);
      },
      dispose: () => {
        dispose();
        void device.popErrorScope().catch(() => undefined);
        void device.popErrorScope().catch(() => undefined);
      },
    };
    teachers.set(program, { rt, batch: B, input: act.get('input')!, logits, pass: (b) => evalPass(b, 'teach') });
    return program;
  } catch (err) {
    dispose();
    void device.popErrorScope().catch(() => undefined);
    void device.popErrorScope().catch(() => undefined);
    throw err;
  }
}
