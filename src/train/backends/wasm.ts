// The WebAssembly training backend: the f32 SIMD kernels of assembly/train/ over a TrainingPlan,
// on the thread that runs it (a search trains several networks at once in a pool of workers,
// each with its own module instance). The dataset and every tensor live in the instance's linear
// memory, allocated once per network; a step is a sequence of kernel calls with no copy across
// the boundary and no allocation, and the step's loss comes back as the loss kernel's result.
import type { Dataset, Split } from '../../datasets/index.ts';
import {
  ADAM, BATCHNORM, DoesNotFitError, initialTensors, type BuildOptions, type ModelState, type NetworkProgram, type ResidentDataset, type SplitEvaluation, type TrainingBackend,
} from '../backend.ts';
import { toUnitBytes } from '../kernels/gather-batch.ts';
import type { PlanOp, TrainingPlan } from '../plan.ts';
import { TrainModule, type SimdFlavour } from '../wasm/module.ts';

type Kernel = (...args: number[]) => number;

interface WasmSplit {
  data: number;
  /** 0: f32 values, 1: bytes decoded as k/255 */
  format: 0 | 1;
  labels: number;
  n: number;
}

interface WasmDataset extends ResidentDataset {
  train: WasmSplit;
  val: WasmSplit;
  test: WasmSplit;
  /** 0, 1, 2, ... (the order of the evaluation passes) */
  identity: number;
}

/** The most bytes one network may take in linear memory (wasm32 addresses 4 GiB; keep headroom). */
const MAX_NETWORK_BYTES = 3 * 2 ** 30;

export interface WasmBackendOptions {
  /** 'baseline' forces the baseline-SIMD build even where relaxed SIMD (FMA) is available */
  simd?: SimdFlavour;
}

export class WasmBackend implements TrainingBackend {
  readonly kind = 'wasm' as const;
  readonly description: string;
  private readonly k: Record<string, Kernel>;

  private constructor(readonly module: TrainModule) {
    this.description = `WebAssembly SIMD (${module.flavour === 'relaxed' ? 'relaxed, fused multiply-add' : 'baseline'})`;
    const names = [
      'conv2dWorkspaceBytes', 'conv2dForward', 'conv2dGradInput', 'conv2dGradWeight', 'denseWorkspaceBytes', 'denseForward', 'denseBackward',
      'reluForward', 'reluBackward', 'batchnormForwardTrain', 'batchnormForwardEval', 'batchnormBackward', 'maxpool2x2Forward', 'maxpool2x2Backward',
      'globalAvgPoolForward', 'globalAvgPoolBackward', 'softmaxCrossEntropy', 'adamStep', 'accuracyCounts', 'gatherBatch',
      'augmentBatch', 'mixTargets', 'softCrossEntropy', 'mseLoss',
    ];
    this.k = Object.fromEntries(names.map((n) => [n, module.fn<Kernel>(n)]));
  }

  /** A backend with a module instance of its own. */
  static async create(options: WasmBackendOptions = {}): Promise<WasmBackend> {
    return new WasmBackend(await TrainModule.create(options.simd ?? 'relaxed'));
  }

  upload(ds: Dataset): ResidentDataset {
    const m = this.module;
    const size = ds.shape[0] * ds.shape[1] * ds.shape[2];
    const up = (s: Split, label: string): WasmSplit => {
      const bytes = toUnitBytes(s.x);
      const data = m.alloc(bytes ? bytes.length : s.x.byteLength, `${ds.name} ${label} images`);
      m.write(data, bytes ?? s.x);
      const labels = m.alloc(s.n * 4, `${ds.name} ${label} labels`);
      m.write(labels, s.labels);
      if (s.x.length !== s.n * size) throw new RangeError(`WasmBackend.upload: ${label} has ${s.x.length} values, ${s.n} samples of ${size} need ${s.n * size}`);
      return { data, format: bytes ? 1 : 0, labels, n: s.n };
    };
    const maxN = Math.max(ds.train.n, ds.val.n, ds.test.n);
    const identity = m.alloc(maxN * 4, 'identity indices');
    m.write(identity, Uint32Array.from({ length: maxN }, (_, i) => i));
    const d: WasmDataset = {
      name: ds.name, shape: ds.shape, numClasses: ds.numClasses,
      sizes: { train: ds.train.n, val: ds.val.n, test: ds.test.n },
      train: up(ds.train, 'train'), val: up(ds.val, 'val'), test: up(ds.test, 'test'), identity,
    };
    return d;
  }

  release(data: ResidentDataset): void {
    const d = data as WasmDataset;
    for (const s of [d.train, d.val, d.test]) {
      this.module.free(s.data);
      this.module.free(s.labels);
    }
    this.module.free(d.identity);
  }

  build(plan: TrainingPlan, init: ModelState, data: ResidentDataset, options: BuildOptions = {}): NetworkProgram {
    return buildProgram(this.module, this.k, plan, init, data as WasmDataset, options);
  }

  /** Nothing to release beyond the instance, which the garbage collector takes with the backend. */
  dispose(): void {}
}

interface Tensor {
  param: number;
  grad: number;
  m: number;
  v: number;
  n: number;
}

/** A teacher's forward pass from a batch in linear memory: its logits' address (evaluation mode). */
const teachers = new WeakMap<NetworkProgram, { module: TrainModule; batch: number; teach: (input: number, b: number) => number }>();

function buildProgram(m: TrainModule, k: Record<string, Kernel>, plan: TrainingPlan, state: ModelState, data: WasmDataset, options: BuildOptions): NetworkProgram {
  const B = plan.batch;
  const init = initialTensors(plan, state);
  const teacher = options.teacher ? teachers.get(options.teacher) : undefined;
  if (options.teacher && (!teacher || teacher.module !== m)) throw new RangeError('build: options.teacher must be a program of the same WebAssembly backend');
  if (teacher && teacher.batch !== B) throw new RangeError(`build: the teacher's batch (${teacher.batch}) must equal the student's (${B})`);
  const augment = options.augment === true || teacher !== undefined;
  const [C0, H0, W0] = plan.spec.input;
  const sample = C0 * H0 * W0;
  const classes = data.numClasses;

  // Sizes first: a network that cannot fit fails before anything is allocated.
  const layout: [string, number][] = [];
  for (const p of plan.params) layout.push([p.name, 4 * p.size * 4]);
  for (const a of plan.activations) layout.push([a.name, (a.name === 'input' ? 1 : 2) * B * a.perSample * 4]);
  let convWs = 0, denseWs = 0;
  for (const o of plan.forward) {
    if (o.op === 'conv2d') convWs = Math.max(convWs, k.conv2dWorkspaceBytes(B, o.cin, o.cout, o.h, o.w, o.k) >>> 0);
    if (o.op === 'dense') denseWs = Math.max(denseWs, k.denseWorkspaceBytes(B, o.in, o.out) >>> 0);
  }
  layout.push(['convolution workspace', convWs], ['dense workspace', denseWs]);
  const total = layout.reduce((s, [, b]) => s + b, 0);
  if (total > MAX_NETWORK_BYTES) {
    const [name, bytes] = layout.reduce((a, b) => (b[1] > a[1] ? b : a));
    throw new DoesNotFitError(
      `the network needs ${(total / 2 ** 20).toFixed(0)} MiB of WebAssembly memory (largest: ${name}, ${(bytes / 2 ** 20).toFixed(0)} MiB), more than the ${MAX_NETWORK_BYTES / 2 ** 20} MiB a network may take: lower batch_size (${B}) or the widths`,
    );
  }

  const owned: number[] = [];
  const alloc = (bytes: number, what: string): number => {
    let p: number;
    try {
      p = m.alloc(bytes, what);
    } catch (err) {
      throw new DoesNotFitError(`out of WebAssembly memory allocating ${what} (${(bytes / 2 ** 20).toFixed(1)} MiB): ${(err as Error).message}`);
    }
    owned.push(p);
    return p;
  };
  const free = () => {
    for (const p of owned) m.free(p);
    owned.length = 0;
  };
  try {
    const tensors = new Map<string, Tensor>();
    for (const p of plan.params) {
      const t: Tensor = { param: alloc(p.size * 4, p.name), grad: alloc(p.size * 4, `${p.name} grad`), m: alloc(p.size * 4, `${p.name} adam m`), v: alloc(p.size * 4, `${p.name} adam v`), n: p.size };
      const i = init.get(p.name)!;
      m.write(t.param, i.param);
      m.write(t.m, i.m);
      m.write(t.v, i.v);
      tensors.set(p.name, t);
    }
    const act = new Map<string, number>(), grad = new Map<string, number>();
    for (const a of plan.activations) {
      act.set(a.name, alloc(B * a.perSample * 4, a.name));
      if (a.name !== 'input') grad.set(a.name, alloc(B * a.perSample * 4, `${a.name} grad`));
    }
    const argmax = new Map<string, number>();
    const bn = new Map<string, { running: number; saved: number }>();
    for (const o of plan.forward) {
      if (o.op === 'maxpool2x2') argmax.set(o.y, alloc(B * o.c * Math.floor(o.h / 2) * Math.floor(o.w / 2), `${o.y} argmax`));
      if (o.op === 'batchnorm') {
        const running = alloc(2 * o.c * 4, `${o.params} running`);
        m.write(running, init.get(o.params)!.running!);
        bn.set(o.params, { running, saved: alloc(2 * o.c * 4, `${o.params} batch statistics`) });
      }
    }
    const convWsPtr = alloc(convWs, 'convolution workspace');
    const denseWsPtr = alloc(denseWs, 'dense workspace');
    const labels = alloc(B * 4, 'labels batch');
    const order = alloc(data.sizes.train * 4, 'epoch order');
    const counts = alloc(8, 'accuracy counters');
    const stepLosses = new Float32Array(Math.ceil(data.sizes.train / B));
    // Bulk & Cut's augmentation: the gathered batch, the step's draws, the mixed targets
    const aug = augment
      ? { raw: alloc(B * sample * 4, 'gathered batch'), flip: alloc(B * 4, 'flip flags'), lambda: alloc(B * 4, 'mixup weights'), partner: alloc(B * 4, 'mixup partners'), targets: alloc(B * classes * 4, 'mixed targets') }
      : undefined;
    const logits = act.get(plan.logits)!, dlogits = grad.get(plan.logits)!;
    const input = act.get('input')!;

    const forward = (b: number, train: boolean): void => {
      for (const o of plan.forward) {
        switch (o.op) {
          case 'conv2d':
            k.conv2dForward(act.get(o.x)!, tensors.get(o.weight)!.param, tensors.get(o.bias)!.param, act.get(o.y)!, b, o.cin, o.cout, o.h, o.w, o.k, convWsPtr);
            break;
          case 'relu':
            k.reluForward(act.get(o.x)!, act.get(o.x)!, b * o.perSample);
            break;
          case 'batchnorm': {
            const s = bn.get(o.params)!, g = tensors.get(o.params)!.param;
            if (train) {
              k.batchnormForwardTrain(act.get(o.x)!, act.get(o.y)!, g, g + 4 * o.c, s.running, s.running + 4 * o.c, s.saved, s.saved + 4 * o.c, b, o.c, o.h * o.w, BATCHNORM.momentum, BATCHNORM.eps);
            } else {
              k.batchnormForwardEval(act.get(o.x)!, act.get(o.y)!, g, g + 4 * o.c, s.running, s.running + 4 * o.c, b, o.c, o.h * o.w, BATCHNORM.eps);
            }
            break;
          }
          case 'maxpool2x2':
            k.maxpool2x2Forward(act.get(o.x)!, act.get(o.y)!, argmax.get(o.y)!, b * o.c, o.h, o.w);
            break;
          case 'globalAvgPool':
            k.globalAvgPoolForward(act.get(o.x)!, act.get(o.y)!, b * o.c, o.h * o.w);
            break;
          case 'dense':
            k.denseForward(act.get(o.x)!, tensors.get(o.weight)!.param, tensors.get(o.bias)!.param, act.get(o.y)!, b, o.in, o.out, o.relu ? 1 : 0, denseWsPtr);
            break;
        }
      }
    };
    const backward = (b: number): void => {
      for (let i = plan.forward.length - 1; i >= 0; i--) {
        const o: PlanOp = plan.forward[i];
        switch (o.op) {
          case 'dense': {
            if (o.relu) k.reluBackward(act.get(o.y)!, grad.get(o.y)!, b * o.out);
            const w = tensors.get(o.weight)!;
            k.denseBackward(act.get(o.x)!, w.param, grad.get(o.y)!, o.needDx ? grad.get(o.x)! : 0, w.grad, tensors.get(o.bias)!.grad, b, o.in, o.out, denseWsPtr);
            break;
          }
          case 'globalAvgPool':
            k.globalAvgPoolBackward(grad.get(o.y)!, grad.get(o.x)!, b * o.c, o.h * o.w);
            break;
          case 'maxpool2x2':
            k.maxpool2x2Backward(grad.get(o.y)!, argmax.get(o.y)!, grad.get(o.x)!, b * o.c, o.h, o.w);
            break;
          case 'batchnorm': {
            const s = bn.get(o.params)!, t = tensors.get(o.params)!;
            k.batchnormBackward(act.get(o.x)!, grad.get(o.y)!, grad.get(o.x)!, t.param, s.saved, s.saved + 4 * o.c, t.grad, t.grad + 4 * o.c, b, o.c, o.h * o.w);
            break;
          }
          case 'relu':
            k.reluBackward(act.get(o.x)!, grad.get(o.x)!, b * o.perSample);
            break;
          case 'conv2d': {
            const w = tensors.get(o.weight)!;
            k.conv2dGradWeight(act.get(o.x)!, grad.get(o.y)!, w.grad, tensors.get(o.bias)!.grad, b, o.cin, o.cout, o.h, o.w, o.k, convWsPtr);
            if (o.needDx) k.conv2dGradInput(grad.get(o.y)!, w.param, grad.get(o.x)!, b, o.cin, o.cout, o.h, o.w, o.k, convWsPtr);
            break;
          }
        }
      }
    };
    const named = (name: string): Tensor => {
      const t = tensors.get(name);
      if (!t) throw new RangeError(`NetworkProgram.read: no parameter tensor '${name}' (known: ${[...tensors.keys()].join(', ')})`);
      return t;
    };
    /** Run the evaluation-mode forward over samples [start, start + count) of a split, batch by batch. */
    const evalBatches = (split: 'train' | 'val' | 'test', start: number, count: number, each: (b: number, at: number) => void): void => {
      const s = data[split];
      for (let at = start; at < start + count; at += B) {
        const b = Math.min(B, start + count - at);
        k.gatherBatch(s.data, s.format, data.identity, at, b, sample, s.labels, input, labels);
        forward(b, false);
        each(b, at);
      }
    };
    const program: NetworkProgram = {
      setOrder: (o) => m.write(order, o),
      trainStep: (step, start, size, t, draws) => {
        if (aug) {
          if (!draws) throw new RangeError('trainStep: a program built with augment needs the step\'s draws');
          m.write(aug.flip, draws.flip.subarray(0, size));
          m.write(aug.lambda, draws.lambda.subarray(0, size));
          m.write(aug.partner, draws.partner.subarray(0, size));
          k.gatherBatch(data.train.data, data.train.format, order, start, size, sample, data.train.labels, aug.raw, labels);
          k.augmentBatch(aug.raw, input, aug.flip, aug.lambda, aug.partner, size, C0, H0, W0);
        } else {
          k.gatherBatch(data.train.data, data.train.format, order, start, size, sample, data.train.labels, input, labels);
        }
        // the teacher sees the same augmented batch before the student's forward overwrites nothing of it
        const teacherLogits = teacher ? teacher.teach(input, size) : 0;
        forward(size, true);
        if (teacher) stepLosses[step] = k.mseLoss(logits, teacherLogits, dlogits, size, classes);
        else if (aug) {
          k.mixTargets(labels, aug.lambda, aug.partner, aug.targets, size, classes);
          stepLosses[step] = k.softCrossEntropy(logits, aug.targets, dlogits, size, classes);
        } else stepLosses[step] = k.softmaxCrossEntropy(logits, labels, dlogits, size, classes);
        backward(size);
        for (const p of tensors.values()) k.adamStep(p.param, p.grad, p.m, p.v, p.n, plan.lr, ADAM.beta1, ADAM.beta2, ADAM.eps, t);
      },
      epochLosses: async (steps) => stepLosses.slice(0, steps),
      evaluate: async (split): Promise<SplitEvaluation> => {
        m.write(counts, new Uint32Array(2));
        let loss = 0;
        evalBatches(split, 0, data.sizes[split], (b) => {
          k.accuracyCounts(logits, labels, b, classes, counts);
          // the loss kernel's gradient output is scratch here
          loss += k.softmaxCrossEntropy(logits, labels, dlogits, b, classes) * b;
        });
        const c = m.readU32(counts, 2);
        return { top1: c[0], top3: c[1], loss };
      },
      logits: async (split, start, count) => {
        if (!(Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 0 && start + count <= data.sizes[split])) {
          throw new RangeError(`logits: samples [${start}, ${start + count}) are not within the ${split} split's ${data.sizes[split]}`);
        }
        const out = new Float32Array(count * classes);
        evalBatches(split, start, count, (b, at) => out.set(m.readF32(logits, b * classes), (at - start) * classes));
        return out;
      },
      read: async (name, what) => m.readF32(what === 'param' ? named(name).param : named(name).grad, named(name).n),
      state: async (what) => {
        const out: ModelState = new Map();
        for (const [name, t] of tensors) {
          out.set(name, m.readF32(t.param, t.n));
          if (what === 'checkpoint') out.set(`adam.m:${name}`, m.readF32(t.m, t.n)).set(`adam.v:${name}`, m.readF32(t.v, t.n));
        }
        for (const o of plan.forward) if (o.op === 'batchnorm') out.set(`${o.params}.running`, m.readF32(bn.get(o.params)!.running, 2 * o.c));
        return out;
      },
      check: async () => {},
      dispose: free,
    };
    teachers.set(program, {
      module: m,
      batch: B,
      teach: (src, b) => {
        new Uint8Array(m.exports.memory.buffer).copyWithin(input, src, src + b * sample * 4);
        forward(b, false);
        return logits;
      },
    });
    return program;
  } catch (err) {
    free();
    throw err;
  }
}
