// The paper's two CNN problems (docs/methods.md#conventions, docs/methods.md#cnn): a configuration of the 13-hyperparameter
// space is trained from scratch for `budget` epochs (on WebGPU or the WebAssembly CPU backend,
// see src/train/backends/index.ts), and evaluated on the validation and test splits. Objectives: val_acc_1 = -100 * top-1 validation accuracy and
// num_params = log10(trainable parameters), both minimised; reference point (0, 8).
import { loadFashion, loadFlowers, type DataFiles, type Dataset, type Split } from '../datasets/index.ts';
import { NAS_PROBLEMS, nasAxSpace, nasSpace, nasUniformSpace, toNetworkConfig } from '../space/nas.ts';
import { SearchSpace } from '../space/space.ts';
import type { Config } from '../space/types.ts';
import { networkSpec } from '../train/network.ts';
import type { ResidentDataset } from '../train/backend.ts';
import { DEVICE_CHOICES, openBackend, type DeviceChoice, type OpenedBackend } from '../train/backends/index.ts';
import { trainAndEvaluate, type EpochInfo, type TrainResult } from '../train/trainer.ts';
import { loadCheckpoint, removeCheckpoint, saveCheckpoint } from '../train/checkpoint.ts';
import { saveModel } from '../train/model-file.ts';
import { runBulkCutJob } from '../optimizers/bulkcut/job.ts';
import type { EvaluateOptions, Evaluation, ObjectiveSpec, Problem } from './types.ts';

export interface CnnProblemOptions {
  /** directory of the data files (Flowers: the .npy files; Fashion: the IDX .gz files) */
  dataDir?: string;
  /**
   * the data files themselves, by name (x_train.npy ... or train-images-idx3-ubyte.gz ...), in
   * place of dataDir: a browser page passes the files its visitor picked
   */
  dataFiles?: DataFiles;
  /** the search space form: 'configspace' (conditions; default), 'uniform' (MO-BOHB's) or 'ax' (no conditions) */
  spaceForm?: 'configspace' | 'uniform' | 'ax';
  /** seed of Fashion-MNIST's train/validation split (default 0) */
  splitSeed?: number;
  /**
   * where to train: 'auto' (default: a hardware WebGPU adapter when there is one, else the
   * WebAssembly CPU backend), 'webgpu' (any adapter, software ones too) or 'wasm'
   */
  device?: DeviceChoice;
  /** train on this WebGPU device (the caller keeps owning it) */
  gpuDevice?: GPUDevice;
  /** 'baseline' forces the CPU backend's baseline-SIMD build (default: relaxed SIMD where the runtime has it) */
  simd?: 'relaxed' | 'baseline';
  /** called after every epoch of every evaluation */
  onEpoch?: (info: EpochInfo) => void;
  /**
   * Smoke runs only (not the paper's problem): cap every layer width at this value, and use
   * evenly spaced subsets of the splits, so that a search finishes in seconds on a CPU adapter.
   */
  maxWidth?: number;
  subset?: { train?: number; val?: number; test?: number };
  /** the full budget in epochs (default 25, the paper's) */
  maxEpochs?: number;
  /**
   * the smallest budget in epochs the methods may ask for (default 5, the paper's, or maxEpochs
   * when that is smaller); the multi-fidelity methods build their rungs between the two
   */
  minEpochs?: number;
}

/** Cap the widths of the NAS space (their upper bounds and defaults). */
function capWidths(space: SearchSpace, maxWidth: number): SearchSpace {
  const json = space.toJSON();
  for (const h of json.hyperparameters) {
    if (h.type === 'int' && /^n_(conv|fc)_\d$/.test(h.name)) {
      if (maxWidth <= h.lower) throw new RangeError(`CnnProblem: maxWidth must exceed ${h.lower} (the lower bound of ${h.name}), got ${maxWidth}`);
      h.upper = Math.min(h.upper, maxWidth);
      if (h.default !== undefined) h.default = Math.min(h.default, h.upper);
    }
  }
  return SearchSpace.fromJSON(json);
}

/** k evenly spaced samples of a split (all when k is undefined or too large). */
function subsample(split: Split, k: number | undefined, size: number): Split {
  if (k === undefined || k >= split.n) return split;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`CnnProblem: subset sizes must be positive integers, got ${k}`);
  const x = new Float32Array(k * size), labels = new Int32Array(k);
  for (let i = 0; i < k; i++) {
    const src = Math.floor((i * split.n) / k);
    x.set(split.x.subarray(src * size, (src + 1) * size), i * size);
    labels[i] = split.labels[src];
  }
  return { x, labels, n: k };
}

interface Session {
  opened: OpenedBackend;
  dataset: Dataset;
  data: ResidentDataset;
}

export class CnnProblem implements Problem {
  readonly space: SearchSpace;
  readonly objectives: readonly ObjectiveSpec[] = [
    { name: 'val_acc_1', direction: 'minimize' },
    { name: 'num_params', direction: 'minimize' },
  ];
  readonly referencePoint = [0, 8];
  readonly minBudget: number;
  readonly maxBudget: number;
  private session?: Promise<Session>;

  constructor(readonly name: 'flowers' | 'fashion', private readonly options: CnnProblemOptions = {}) {
    if (name !== 'flowers' && name !== 'fashion') throw new RangeError(`CnnProblem: name must be 'flowers' or 'fashion', got ${JSON.stringify(name)}`);
    const form = options.spaceForm ?? 'configspace';
    if (!['configspace', 'uniform', 'ax'].includes(form)) throw new RangeError(`CnnProblem: spaceForm must be 'configspace', 'uniform' or 'ax', got ${JSON.stringify(form)}`);
    if (options.dataFiles !== undefined && options.dataDir !== undefined) throw new RangeError('CnnProblem: pass dataDir or dataFiles, not both');
    if (options.device !== undefined && !DEVICE_CHOICES.includes(options.device)) {
      throw new RangeError(`CnnProblem: device must be one of ${DEVICE_CHOICES.join(', ')}, got ${JSON.stringify(options.device)}`);
    }
    this.maxBudget = options.maxEpochs ?? 25;
    if (!Number.isInteger(this.maxBudget) || this.maxBudget < 1) throw new RangeError(`CnnProblem: maxEpochs must be a positive integer, got ${options.maxEpochs}`);
    this.minBudget = options.minEpochs ?? Math.min(5, this.maxBudget);
    if (!Number.isInteger(this.minBudget) || this.minBudget < 1 || this.minBudget > this.maxBudget) {
      throw new RangeError(`CnnProblem: minEpochs must be an integer in [1, maxEpochs = ${this.maxBudget}], got ${options.minEpochs}`);
    }
    const space = form === 'uniform' ? nasUniformSpace() : form === 'ax' ? nasAxSpace() : nasSpace();
    this.space = options.maxWidth !== undefined ? capWidths(space, options.maxWidth) : space;
  }

  /** Input shape and number of classes. */
  get input(): { shape: [number, number, number]; classes: number } {
    const p = NAS_PROBLEMS[this.name];
    return { shape: [p.shape[0], p.shape[1], p.shape[2]], classes: p.classes };
  }

  /** Load the data and open the backend once (shared by every evaluation). */
  private start(): Promise<Session> {
    this.session ??= (async () => {
      const source = this.options.dataFiles ?? this.options.dataDir;
      const full = this.name === 'flowers' ? await loadFlowers(source) : await loadFashion(source, this.options.splitSeed ?? 0);
      const size = full.shape[0] * full.shape[1] * full.shape[2];
      const sub = this.options.subset ?? {};
      const dataset: Dataset = { ...full, train: subsample(full.train, sub.train, size), val: subsample(full.val, sub.val, size), test: subsample(full.test, sub.test, size) };
      const opened = await openBackend(this.options.device ?? 'auto', { gpuDevice: this.options.gpuDevice, simd: this.options.simd });
      try {
        return { opened, dataset, data: opened.backend.upload(dataset) };
      } catch (err) {
        opened.close();
        throw err;
      }
    })();
    this.session.catch(() => {
      this.session = undefined;
    });
    return this.session;
  }

  /** Load the data and open the backend now (a worker pool calls it at start, so that a bad data directory fails the pool, not every trial). */
  async ready(): Promise<void> {
    await this.start();
  }

  /** The backend and device the evaluations run on (opens them). */
  async backend(): Promise<{ kind: string; description: string }> {
    const b = (await this.start()).opened.backend;
    return { kind: b.kind, description: b.description };
  }

  /**
   * Train and evaluate, returning the full training result too. With `options.files`, the
   * training checkpoints every epoch (and continues from a checkpoint it finds) and saves its
   * model; with `options.job`, it runs a method's job (Bulk & Cut) instead of training the
   * configuration's network from scratch.
   */
  async train(config: Config, options: EvaluateOptions = {}): Promise<TrainResult & { epochs: number; batchSize: number }> {
    const c = this.space.validate(config, `${this.name}.evaluate`);
    const budget = options.budget ?? this.maxBudget;
    if (!(budget >= 0) || !Number.isFinite(budget)) throw new RangeError(`${this.name}.evaluate: budget (epochs) must be a non-negative number, got ${budget}`);
    const s = await this.start();
    const onEpoch = (info: EpochInfo) => {
      this.options.onEpoch?.(info);
      options.onProgress?.(info);
    };
    const seed = options.seed ?? 0;
    const files = options.files ?? {};
    const warn = (m: string) => console.warn(`paretonas: ${m}`);
    if (options.job) {
      if (options.job.kind !== 'bulkcut') throw new RangeError(`${this.name}.evaluate: unknown job kind ${JSON.stringify(options.job.kind)} (known: bulkcut)`);
      return runBulkCutJob(options.job, { backend: s.opened.backend, data: s.data, seed, files, signal: options.signal, onEpoch, onWarning: warn });
    }
    // Budgets are epochs; fractional rung budgets are rounded to whole epochs.
    const epochs = Math.round(budget);
    const net = toNetworkConfig(c);
    const spec = networkSpec(net, this.input.shape, this.input.classes);
    const resume = files.checkpoint ? await loadCheckpoint(files.checkpoint, spec, seed, warn) : undefined;
    let r: TrainResult;
    try {
      r = await trainAndEvaluate(s.opened.backend, s.data, spec, {
        epochs, batchSize: net.batchSize, lr: net.lr, seed, signal: options.signal, onEpoch,
        resume,
        onCheckpoint: files.checkpoint ? (ck) => saveCheckpoint(files.checkpoint!, spec, seed, ck) : undefined,
        keepState: files.model !== undefined,
      });
    } catch (err) {
      // a failed training is not run again: its checkpoint goes; an aborted one keeps it for the rerun
      if (files.checkpoint && !options.signal?.aborted) await removeCheckpoint(files.checkpoint);
      throw err;
    }
    if (files.model) await saveModel(files.model, r.state!, { spec, metadata: { format: 'paretonas-cnn', problem: this.name, config: JSON.stringify(c), epochs: String(epochs) } });
    if (files.checkpoint) await removeCheckpoint(files.checkpoint);
    return { ...r, epochs, batchSize: Math.min(net.batchSize, s.data.sizes.train) };
  }

  async evaluate(config: Config, options: EvaluateOptions = {}): Promise<Evaluation> {
    const r = await this.train(config, options);
    const logParams = Math.log10(r.numParams);
    return {
      values: [-100 * r.valTop1, logParams],
      cost: r.epochs / this.maxBudget,
      metrics: {
        val_acc_1: -100 * r.valTop1,
        val_acc_3: -100 * r.valTop3,
        tst_acc_1: -100 * r.testTop1,
        tst_acc_3: -100 * r.testTop3,
        num_params: logParams,
        n_parameters: r.numParams,
        epochs: r.epochs,
        batch_size: r.batchSize,
        val_loss: r.valLoss,
        test_loss: r.testLoss,
        ...(r.losses.length > 0 ? { train_loss: r.losses[r.losses.length - 1], train_loss_curve: JSON.stringify(r.losses.map((l) => Number(l.toPrecision(6)))) } : {}),
        ...(r.preTrainingValLoss !== undefined ? { pre_training_val_loss: r.preTrainingValLoss } : {}),
        ...(r.resumedFromEpoch !== undefined ? { resumed_from_epoch: r.resumedFromEpoch } : {}),
        ...(r.trainEvalLoss !== undefined ? { train_eval_loss: r.trainEvalLoss, train_acc_1: -100 * r.trainEvalTop1! } : {}),
        seconds: r.seconds,
        images_per_second: r.imagesPerSecond,
        backend: r.backend,
        device: r.device,
      },
    };
  }

  /** Release the backend's resources (the GPU device too, unless it was given). */
  async dispose(): Promise<void> {
    if (!this.session) return;
    const s = await this.session.catch(() => undefined);
    this.session = undefined;
    if (!s) return;
    s.opened.backend.release(s.data);
    s.opened.close();
  }
}
