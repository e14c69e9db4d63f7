// A search on a named problem with a named method, journalled in a run directory:
// `<out>/trials.jsonl` (the journal) and `<out>/summary.json` (rewritten atomically).
import { mkdirSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { getMethod, methodOptions } from '../optimizers/index.ts';
import { availableParallelism } from '../platform/worker.ts';
import { makeProblem, type ProblemOptions } from '../problems/index.ts';
import { cloneableOptions, PooledProblem } from '../problems/pool.ts';
import type { Problem, TrainingProgress } from '../problems/types.ts';
import type { Config } from '../space/types.ts';
import type { StudyMeta } from './events.ts';
import { QueueProblem } from './queue.ts';
import { JournalStorage } from './journal.ts';
import { RedisStorage } from './redis.ts';
import type { Storage } from './storage.ts';
import { Study, type MethodFactory, type Trial } from './study.ts';

export interface SearchOptions {
  problem: string;
  problemOptions?: ProblemOptions;
  method: string;
  preset?: string;
  /** method options (override the preset's); `variant` goes here too */
  methodOptions?: Record<string, unknown>;
  seed?: number;
  /** run directory (summary, models, checkpoints; and the journal unless `storage` is given) */
  out: string;
  /** keep the study's events in Redis (`redis://host:port/<study>`, src/study/redis.ts) instead of `<out>/trials.jsonl` */
  storage?: string;
  /**
   * hand the trials to the workers of this queue (`redis://host:port`, src/study/queue.ts)
   * instead of evaluating them; `concurrency` trials in flight (default 8)
   */
  queue?: string;
  maxEvaluations?: number;
  maxSeconds?: number;
  /** continue the study journalled in `out` */
  resume?: boolean;
  /** on resume, trials the previous session left running: 'rerun' (default) or 'fail' */
  interrupted?: 'rerun' | 'fail';
  /** trials evaluated at once (see evaluationPlan for the default) */
  concurrency?: number;
  /** keep every trained model in `<out>/models/trial-N.safetensors` (the CNN problems; Bulk & Cut keeps them always) */
  keepModels?: boolean;
  /**
   * evaluate in a pool of this many worker threads, each with its own instance of the problem
   * (0: in this thread); the study then runs that many trials at once. Default: see evaluationPlan.
   */
  workers?: number;
  /** module URLs each worker imports before making the problem (they may call registerProblem) */
  workerModules?: string[];
  signal?: AbortSignal;
  /** called once the study is open (created or resumed), before the first trial */
  onStart?: (study: Study, plan: EvaluationPlan) => void;
  onTrial?: (trial: Trial, study: Study) => void;
  /** training progress of a running trial (the CNN problems report it after every epoch) */
  onProgress?: (trial: Trial, progress: TrainingProgress) => void;
  onWarning?: (message: string) => void;
}

/** How a search evaluates its trials: `workers` worker threads (0: this thread), `concurrency` at once. */
export interface EvaluationPlan {
  workers: number;
  concurrency: number;
}

/** The problems that train a network, single-threaded, when not on WebGPU. */
const TRAINING_PROBLEMS = new Set(['flowers', 'fashion']);

/**
 * When a search uses worker threads, in one place:
 * - `workers` given: that many workers (0: in this thread, `concurrency` at once), except that
 *   flowers/fashion on WebGPU stay in this thread, `workers` at once: they share its GPU device;
 * - flowers/fashion off WebGPU (problem option `device` not 'webgpu'): a training holds a core,
 *   so `concurrency` workers (default: the number of cores);
 * - anything else: this thread, `concurrency` at once (default 1).
 */
export function evaluationPlan(problem: string, problemOptions: ProblemOptions | undefined, o: { workers?: number; concurrency?: number } = {}): EvaluationPlan {
  const fn = 'runSearch';
  if (o.workers !== undefined && !(Number.isInteger(o.workers) && o.workers >= 0)) throw new RangeError(`${fn}: workers must be a non-negative integer, got ${o.workers}`);
  if (o.concurrency !== undefined && !(Number.isInteger(o.concurrency) && o.concurrency >= 1)) throw new RangeError(`${fn}: concurrency must be a positive integer, got ${o.concurrency}`);
  const training = TRAINING_PROBLEMS.has(problem);
  const gpu = training && problemOptions?.device === 'webgpu';
  if (o.workers !== undefined && o.workers > 0) {
    if (o.concurrency !== undefined && o.concurrency !== o.workers) {
      throw new RangeError(`${fn}: with workers, the study runs one trial per worker: concurrency (${o.concurrency}) must equal workers (${o.workers}) or be left out`);
    }
    return gpu ? { workers: 0, concurrency: o.workers } : { workers: o.workers, concurrency: o.workers };
  }
  if (o.workers === undefined && training && !gpu) {
    const n = o.concurrency ?? availableParallelism();
    return { workers: n, concurrency: n };
  }
  return { workers: 0, concurrency: o.concurrency ?? 1 };
}

async function openProblem(name: string, problemOptions: ProblemOptions, plan: EvaluationPlan, options: SearchOptions): Promise<Problem> {
  if (options.queue !== undefined) {
    // the local instance gives the space and objectives; the workers load the data and evaluate
    return QueueProblem.create(options.queue, await makeProblem(name, problemOptions), problemOptions as Record<string, unknown>);
  }
  if (plan.workers === 0) return makeProblem(name, problemOptions);
  // Workers get a structured clone: callbacks (onEpoch, ...) cannot cross; progress comes back
  // through onProgress instead.
  const { options: cloneable, dropped } = cloneableOptions(problemOptions);
  if (dropped.length > 0) options.onWarning?.(`problem options left out of the workers (not cloneable): ${dropped.join(', ')}`);
  return PooledProblem.create({ size: plan.workers, problem: name, options: cloneable as ProblemOptions, modules: options.workerModules, onWarning: options.onWarning });
}

export interface Summary {
  problem?: string;
  method: string;
  seed: number;
  evaluations: number;
  complete: number;
  failed: number;
  objectives: string[];
  directions: string[];
  referencePoint: number[];
  hypervolume: number;
  elapsedSeconds: number;
  front: { number: number; config: Config; objectives: number[]; budget?: number }[];
  hvHistory: [number, number, number][];
  /** finished trials per training backend and device ("wasm: WebAssembly SIMD (...)"), for training problems */
  backends?: Record<string, number>;
}

function countBackends(trials: readonly Trial[]): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  for (const t of trials) {
    const b = t.metrics?.backend;
    if (b !== undefined) {
      const key = `${b}: ${t.metrics?.device ?? 'unknown device'}`;
      out[key] = (out[key] ?? 0) + 1;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * 'auto' resolved once in this thread for the training problems, so that the pool decision is
 * right (a hardware GPU trains in this thread; otherwise one CPU worker per trial) and the
 * journal records the device the run used.
 */
async function resolveDevice(problem: string, o: ProblemOptions | undefined): Promise<ProblemOptions | undefined> {
  if (!TRAINING_PROBLEMS.has(problem) || (o?.device !== undefined && o.device !== 'auto') || o?.gpuDevice !== undefined) return o;
  const { probeHardwareAdapter } = await import('../platform/gpu.ts');
  return { ...o, device: (await probeHardwareAdapter()) !== undefined ? 'webgpu' : 'wasm' };
}

export function summarize(study: Study): Summary {
  const trials = study.trials;
  return {
    problem: study.meta.problem,
    method: study.meta.method,
    seed: study.meta.seed,
    evaluations: trials.filter((t) => t.state !== 'running').length,
    complete: trials.filter((t) => t.state === 'complete').length,
    failed: trials.filter((t) => t.state === 'failed').length,
    objectives: study.meta.objectiveNames,
    directions: study.meta.directions,
    referencePoint: study.meta.referencePoint,
    hypervolume: study.hypervolume(),
    elapsedSeconds: study.elapsed(),
    front: study.paretoFront().map((t) => ({ number: t.number, config: t.params, objectives: t.values!, budget: t.budget })),
    hvHistory: study.hvHistory(),
    backends: countBackends(trials),
  };
}

export function writeSummary(out: string, study: Study): Summary {
  const s = summarize(study);
  const path = join(out, 'summary.json');
  writeFileSync(`${path}.tmp`, JSON.stringify(s, null, 1) + '\n');
  renameSync(`${path}.tmp`, path);
  return s;
}

/** A stable name of a run for its queue jobs: where it is stored and when it was created. */
function runName(where: string, t: number): string {
  let h = 2166136261;
  for (const ch of `${where}@${t}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return `${h.toString(36)}${t.toString(36)}`;
}

const factoryFor = (method: string): MethodFactory => (ctx, meta) => getMethod(method).create(ctx, meta.methodOptions ?? {});

/** Run (or resume) a search; returns the study (closed) and its summary. */
export async function runSearch(options: SearchOptions): Promise<{ study: Study; summary: Summary; problem: Problem }> {
  mkdirSync(options.out, { recursive: true });
  const storage: Storage = options.storage !== undefined
    ? await RedisStorage.open(options.storage, { onWarning: options.onWarning })
    : new JournalStorage(join(options.out, 'trials.jsonl'), { onWarning: options.onWarning });
  const journalPath = storage.where;
  let study: Study;
  let problem: Problem | undefined;
  let plan: EvaluationPlan;
  try {
    const existing = storage.load();
    if (options.resume) {
      if (existing.length === 0) throw new Error(`--resume: ${journalPath} holds no study to resume`);
      const meta = (existing[0] as { meta?: StudyMeta }).meta;
      if (!meta) throw new Error(`--resume: ${journalPath} does not start with a study event`);
      // The device may change between sessions (a GPU run continued on CPUs): it does not change the problem.
      const device = options.problemOptions?.device;
      const name = meta.problem ?? options.problem;
      const problemOptions = (await resolveDevice(name, { ...meta.problemOptions, ...(device !== undefined ? { device } : {}) } as ProblemOptions))!;
      plan = options.queue !== undefined ? { workers: 0, concurrency: options.concurrency ?? 8 } : evaluationPlan(name, problemOptions, options);
      problem = await openProblem(name, problemOptions, plan, options);
      study = Study.resume(storage, factoryFor(meta.method), options.onWarning, { interrupted: options.interrupted });
    } else {
      if (existing.length > 0 || existsSync(join(options.out, 'summary.json'))) {
        throw new Error(`${options.out} already holds a run; pass --resume to continue it, or choose another --out`);
      }
      const method = getMethod(options.method);
      // the CNN problems in the space form the method searched in the paper (journalled with the problem)
      const form = TRAINING_PROBLEMS.has(options.problem) && options.problemOptions?.spaceForm === undefined ? { spaceForm: method.spaceForm } : {};
      options = { ...options, problemOptions: await resolveDevice(options.problem, { ...options.problemOptions, ...form }) };
      if (options.queue !== undefined && method.timeBudgeted) throw new RangeError(`--queue: method '${options.method}' trains children from its own saved models and runs without a queue`);
      plan = options.queue !== undefined ? { workers: 0, concurrency: options.concurrency ?? 8 } : evaluationPlan(options.problem, options.problemOptions, options);
      problem = await openProblem(options.problem, options.problemOptions ?? {}, plan, options);
      // The run's caps (maxEvaluations, maxSeconds) only stop the study: a method's own schedule
      // (SH-EMOA's steps per rung, ...) comes from its options and presets alone.
      const mopts = methodOptions(options.method, options.preset, options.methodOptions ?? {});
      // a method that splits a wall-clock budget (Bulk & Cut) takes --max-seconds as its budget unless given one
      if (method.timeBudgeted && mopts.timeBudget === undefined && options.preset === undefined && options.maxSeconds !== undefined) mopts.timeBudget = options.maxSeconds;
      study = Study.create(
        {
          space: problem.space,
          directions: problem.objectives.map((o) => o.direction),
          objectiveNames: problem.objectives.map((o) => o.name),
          referencePoint: [...problem.referencePoint],
          method: options.method,
          methodOptions: mopts,
          seed: options.seed ?? 0,
          problem: options.problem,
          problemOptions: options.problemOptions as Record<string, unknown> | undefined,
          minBudget: problem.minBudget,
          maxBudget: problem.maxBudget,
          keepModels: options.keepModels,
          storage,
          onWarning: options.onWarning,
        },
        factoryFor(options.method),
      );
    }
  } catch (err) {
    await storage.close();
    await (problem as { dispose?: () => Promise<void> } | undefined)?.dispose?.();
    throw err;
  }
  // queue jobs are named after the run (its storage and creation time), so a resumed run finds its own
  if (problem instanceof QueueProblem) problem.run = runName(storage.where, study.createdAt);
  const onProgress = options.onProgress;
  const out = options.out;
  const training = TRAINING_PROBLEMS.has(study.meta.problem ?? options.problem);
  const keepModels = options.keepModels || study.meta.keepModels === true;
  let lastWrite = 0;
  try {
    options.onStart?.(study, plan);
    await study.optimize(
      async (trial, signal) => {
        // Each trial its own seed (initialisation, shuffling, noise), fixed by the study's seed.
        const job = trial.info?.job as Record<string, unknown> | undefined;
        const r = await problem.evaluate(trial.params, {
          id: String(trial.number),
          budget: trial.budget,
          seed: study.meta.seed * 100_003 + trial.number,
          signal,
          onProgress: onProgress && ((p) => onProgress(trial, p)),
          // the CNN problems checkpoint every epoch (a killed trial continues where it was) and
          // save the model when asked; a method's job (Bulk & Cut) keeps its models always
          ...(training && options.queue === undefined
            ? {
              files: {
                checkpoint: join(out, 'checkpoints', `trial-${trial.number}.safetensors`),
                models: join(out, 'models'),
                ...(keepModels || job ? { model: join(out, 'models', `trial-${trial.number}.safetensors`) } : {}),
              },
            }
            : {}),
          ...(job ? { job } : {}),
        });
        return { values: r.values, metrics: r.metrics };
      },
      {
        maxEvaluations: options.maxEvaluations,
        maxSeconds: options.maxSeconds,
        signal: options.signal,
        concurrency: plan.concurrency,
        onTrial: (t, s) => {
          options.onTrial?.(t, s);
          if (Date.now() - lastWrite > 2000) {
            lastWrite = Date.now();
            writeSummary(options.out, s);
          }
        },
      },
    );
    const summary = writeSummary(options.out, study);
    return { study, summary, problem };
  } finally {
    await study.close();
    await (problem as { dispose?: () => Promise<void> }).dispose?.();
  }
}
