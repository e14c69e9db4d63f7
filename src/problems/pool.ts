// A problem whose evaluations run in a pool of worker threads, each with its own instance of the
// problem (its own data, WebAssembly memory, GPU device). A CPU training is single-threaded, so
// a search keeps every core busy by training several configurations at once, one per worker.
import { spawnWorker, type WorkerExit, type WorkerHandle } from '../platform/worker.ts';
import { SearchSpace, type SearchSpaceJSON } from '../space/space.ts';
import type { Config } from '../space/types.ts';
import type { ProblemOptions } from './index.ts';
import type { EvaluateOptions, Evaluation, EvaluationFiles, ObjectiveSpec, Problem, TrainingProgress } from './types.ts';

/** What a worker reports about the problem it made. */
export interface ProblemInfo {
  name: string;
  space: SearchSpaceJSON;
  objectives: ObjectiveSpec[];
  referencePoint: number[];
  minBudget?: number;
  maxBudget?: number;
}

/** An error thrown in a worker, as it crosses to the pool. */
export interface RemoteError {
  name: string;
  message: string;
  stack?: string;
}

/** Messages to a pool worker (src/problems/pool-worker.ts). */
export type ToWorker =
  | { type: 'init'; problem: string; options: ProblemOptions; modules: string[] }
  | { type: 'evaluate'; id: number; config: Config; budget?: number; seed?: number; files?: EvaluationFiles; job?: Record<string, unknown> }
  | { type: 'dispose' };

/** Messages from a pool worker. */
export type FromWorker =
  | { type: 'started' }
  | { type: 'ready'; info: ProblemInfo }
  | { type: 'init-error'; error: RemoteError }
  | { type: 'progress'; id: number; progress: TrainingProgress }
  | { type: 'result'; id: number; evaluation: Evaluation }
  | { type: 'error'; id: number; error: RemoteError }
  | { type: 'disposed' };

export interface PoolOptions {
  /** number of workers, i.e. evaluations at once */
  size: number;
  /** the problem's name, as makeProblem knows it in a worker */
  problem: string;
  /** the problem's options; they must survive structuredClone (see cloneableOptions) */
  options?: ProblemOptions;
  /** module URLs each worker imports before making the problem (they may call registerProblem) */
  modules?: string[];
  /** notices about workers that died and were replaced */
  onWarning?: (message: string) => void;
}

interface Job {
  id: number;
  config: Config;
  budget?: number;
  seed?: number;
  files?: EvaluationFiles;
  job?: Record<string, unknown>;
  onProgress?: (p: TrainingProgress) => void;
  resolve(e: Evaluation): void;
  reject(err: unknown): void;
}

interface Member {
  id: number;
  handle: WorkerHandle;
  /** set until the worker has made its problem */
  startup?: { resolve(info: ProblemInfo): void; reject(err: Error): void };
  job?: Job;
  /** the pool is ending this worker (an aborted evaluation, dispose): its exit is no failure */
  ending?: boolean;
  /** resolves when the worker has released its problem (graceful dispose) */
  released?: () => void;
}

/** Grace period for a worker to release its problem (GPU buffers, devices) on dispose. */
const RELEASE_MS = 2000;

const TS_MODULE = /\.[mc]?ts$/;

function entryUrl(): URL {
  // The sources run as .ts (vitest, tsx, Deno); the package runs dist/problems/pool-worker.js.
  const ext = TS_MODULE.test(new URL(import.meta.url).pathname) ? 'ts' : 'js';
  return new URL(`./pool-worker.${ext}`, import.meta.url);
}

function fromRemote(e: RemoteError, prefix = ''): Error {
  const err = new Error(prefix + e.message);
  // Keep the kind (RangeError, DoesNotFitError, ...) that the study and the CLI report.
  err.name = e.name;
  if (e.stack) err.stack = e.stack;
  return err;
}

function describeExit(exit: WorkerExit): string {
  return exit.code !== undefined ? `exited with code ${exit.code}` : 'ended';
}

/**
 * A copy of `options` that structuredClone accepts: functions (at any depth) and values it
 * refuses are left out; `dropped` names them by path.
 */
export function cloneableOptions(options: Record<string, unknown>): { options: Record<string, unknown>; dropped: string[] } {
  const dropped: string[] = [];
  const DROP = Symbol('drop');
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === 'function' || typeof v === 'symbol') {
      dropped.push(path);
      return DROP;
    }
    if (Array.isArray(v)) return v.map((x, i) => { const c = walk(x, `${path}[${i}]`); return c === DROP ? undefined : c; });
    if (v !== null && typeof v === 'object') {
      const proto = Object.getPrototypeOf(v);
      if (proto === Object.prototype || proto === null) {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) {
          const c = walk(x, path ? `${path}.${k}` : k);
          if (c !== DROP) out[k] = c;
        }
        return out;
      }
      try {
        structuredClone(v);
      } catch {
        dropped.push(path);
        return DROP;
      }
    }
    return v;
  };
  return { options: walk(options, '') as Record<string, unknown>, dropped };
}

/**
 * A Problem evaluated by `size` workers, each of which imports `modules`, then makes its own
 * instance with makeProblem(problem, options). Evaluations queue while every worker is busy.
 * An evaluation that throws in a worker rejects with its error (the worker stays); a worker
 * that dies (exit, crash, out of memory, uncaught error) rejects its evaluation and is
 * replaced; an aborted evaluation's worker is terminated and replaced.
 */
export class PooledProblem implements Problem {
  readonly name: string;
  readonly size: number;
  private info!: ProblemInfo;
  private searchSpace!: SearchSpace;
  private readonly problem: string;
  private readonly options: ProblemOptions;
  private readonly modules: string[];
  private readonly warn: (m: string) => void;
  /** every live worker, starting or ready, in start order */
  private readonly members = new Set<Member>();
  private readonly queue: Job[] = [];
  /** workers being spawned, not yet in `members` */
  private spawning = 0;
  private nextWorker = 1;
  private nextJob = 1;
  private disposed = false;

  private constructor(o: PoolOptions) {
    this.name = o.problem;
    this.size = o.size;
    this.problem = o.problem;
    this.options = o.options ?? {};
    this.modules = o.modules ?? [];
    this.warn = o.onWarning ?? (() => {});
  }

  /** Start the workers; rejects (with the worker's error) if any cannot make its problem. */
  static async create(o: PoolOptions): Promise<PooledProblem> {
    const fn = 'PooledProblem.create';
    if (!Number.isInteger(o.size) || o.size < 1) throw new RangeError(`${fn}: size must be a positive integer, got ${o.size}`);
    if (typeof o.problem !== 'string' || o.problem === '') throw new RangeError(`${fn}: problem must be a problem name, got ${JSON.stringify(o.problem)}`);
    for (const m of o.modules ?? []) {
      if (!URL.canParse(m)) throw new RangeError(`${fn}: modules must be URLs (file:, https:), got '${m}'`);
    }
    try {
      structuredClone(o.options ?? {});
    } catch (err) {
      throw new TypeError(`${fn}: the problem options must survive structuredClone to reach the workers (${(err as Error).message}); see cloneableOptions()`);
    }
    const pool = new PooledProblem(o);
    const started = await Promise.allSettled(Array.from({ length: o.size }, () => pool.start()));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await pool.dispose();
      throw failed.reason;
    }
    pool.info = (started[0] as PromiseFulfilledResult<ProblemInfo>).value;
    pool.searchSpace = SearchSpace.fromJSON(pool.info.space);
    return pool;
  }

  get space(): SearchSpace {
    return this.searchSpace;
  }

  get objectives(): readonly ObjectiveSpec[] {
    return this.info.objectives;
  }

  get referencePoint(): readonly number[] {
    return this.info.referencePoint;
  }

  get minBudget(): number | undefined {
    return this.info.minBudget;
  }

  get maxBudget(): number | undefined {
    return this.info.maxBudget;
  }

  /** Workers alive (starting or ready). */
  get workers(): number {
    return this.members.size;
  }

  /** Evaluations running in workers. */
  get busy(): number {
    let n = 0;
    for (const m of this.members) if (m.job) n++;
    return n;
  }

  evaluate(config: Config, options: EvaluateOptions = {}): Promise<Evaluation> {
    if (this.disposed) return Promise.reject(new Error(`PooledProblem '${this.name}': evaluate() after dispose()`));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Evaluation>((resolve, reject) => {
      const onAbort = () => this.abort(job, signal!.reason);
      const job: Job = {
        id: this.nextJob++,
        config,
        budget: options.budget,
        seed: options.seed,
        files: options.files,
        job: options.job,
        onProgress: options.onProgress,
        resolve: (e) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(e);
        },
        reject: (err) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(job);
      // Every worker died and none could be started in its place: try once more for this job.
      if (this.members.size + this.spawning === 0) this.replace();
      this.pump();
    });
  }

  /** Terminate every worker; queued and running evaluations reject. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error(`PooledProblem '${this.name}': disposed before the evaluation started`));
    await Promise.all([...this.members].map((m) => this.stop(m)));
  }

  private async stop(m: Member): Promise<void> {
    m.ending = true;
    const job = m.job;
    m.job = undefined;
    job?.reject(new Error(`PooledProblem '${this.name}': disposed during the evaluation (worker ${m.id})`));
    if (!m.startup && !job) {
      // An idle worker releases its problem first (GPU devices, buffers); a busy one cannot answer.
      const released = new Promise<void>((r) => {
        m.released = r;
        setTimeout(r, RELEASE_MS);
      });
      try {
        m.handle.post({ type: 'dispose' } satisfies ToWorker);
        await released;
      } catch {
        // already gone
      }
    }
    await m.handle.terminate();
  }

  private start(): Promise<ProblemInfo> {
    const id = this.nextWorker++;
    const typescript = this.modules.some((u) => TS_MODULE.test(new URL(u).pathname));
    this.spawning++;
    return new Promise<ProblemInfo>((resolve, reject) => {
      spawnWorker(entryUrl(), { name: `paretonas ${this.problem} worker ${id}`, typescript }).then((handle) => {
        this.spawning--;
        const m: Member = { id, handle, startup: { resolve, reject } };
        if (this.disposed) {
          m.ending = true;
          void handle.terminate();
          reject(new Error(`PooledProblem '${this.name}': disposed while worker ${id} was starting`));
          return;
        }
        this.members.add(m);
        handle.onMessage((msg) => this.onMessage(m, msg as FromWorker));
        handle.onExit((exit) => this.onExit(m, exit));
      }, (err: Error) => {
        this.spawning--;
        reject(err);
      });
    });
  }

  /** Start a worker in place of one that ended. */
  private replace(): void {
    if (this.disposed) return;
    this.start().then(
      () => this.pump(),
      (err: Error) => {
        if (this.disposed) return;
        this.warn(`a replacement worker for problem '${this.name}' could not start: ${err.message}`);
        // With no worker left nothing would ever take the queue.
        if (this.members.size + this.spawning === 0) for (const job of this.queue.splice(0)) job.reject(err);
      },
    );
  }

  private onMessage(m: Member, msg: FromWorker): void {
    if (m.startup) {
      const s = m.startup;
      if (msg.type === 'started') {
        m.handle.post({ type: 'init', problem: this.problem, options: this.options, modules: this.modules } satisfies ToWorker);
      } else if (msg.type === 'ready') {
        m.startup = undefined;
        m.handle.keepAlive(false);
        s.resolve(msg.info);
        this.pump();
      } else if (msg.type === 'init-error') {
        m.startup = undefined;
        m.ending = true;
        this.members.delete(m);
        void m.handle.terminate();
        s.reject(fromRemote(msg.error, `worker ${m.id} could not start problem '${this.problem}': `));
      }
      return;
    }
    if (msg.type === 'disposed') {
      m.released?.();
      return;
    }
    const job = m.job;
    if (!job || (msg.type !== 'progress' && msg.type !== 'result' && msg.type !== 'error') || msg.id !== job.id) return;
    if (msg.type === 'progress') {
      try {
        job.onProgress?.(msg.progress);
      } catch (err) {
        this.warn(`onProgress threw: ${(err as Error).message}`);
      }
      return;
    }
    m.job = undefined;
    m.handle.keepAlive(false);
    if (msg.type === 'result') job.resolve(msg.evaluation);
    else job.reject(fromRemote(msg.error));
    this.pump();
  }

  private onExit(m: Member, exit: WorkerExit): void {
    this.members.delete(m);
    const why = `${describeExit(exit)}${exit.error ? ` (${exit.error})` : ''}`;
    if (m.startup) {
      const s = m.startup;
      m.startup = undefined;
      s.reject(new Error(`worker ${m.id} ${why} while starting problem '${this.problem}'`));
      return;
    }
    if (m.ending) return;
    const job = m.job;
    m.job = undefined;
    if (job) {
      const of = [job.budget !== undefined ? `budget ${job.budget}` : '', job.seed !== undefined ? `seed ${job.seed}` : ''].filter(Boolean).join(', ');
      job.reject(new Error(`worker ${m.id} ${describeExit(exit)} during evaluation${of ? ` (${of})` : ''}${exit.error ? `: ${exit.error}` : ''}`));
    }
    if (!this.disposed) {
      this.warn(`worker ${m.id} of problem '${this.name}' ${why}${job ? ' during an evaluation' : ''}; a fresh worker replaces it`);
      this.replace();
    }
  }

  private abort(job: Job, reason: unknown): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      job.reject(reason);
      return;
    }
    for (const m of this.members) {
      if (m.job !== job) continue;
      // A training cannot be interrupted from outside its thread: end the thread, start another.
      m.job = undefined;
      m.ending = true;
      job.reject(reason);
      void m.handle.terminate();
      this.replace();
      return;
    }
  }

  private pump(): void {
    for (const m of this.members) {
      if (this.queue.length === 0) return;
      if (m.startup || m.job || m.ending) continue;
      const job = this.queue.shift()!;
      m.job = job;
      m.handle.keepAlive(true);
      try {
        m.handle.post({ type: 'evaluate', id: job.id, config: job.config, budget: job.budget, seed: job.seed, files: job.files, job: job.job } satisfies ToWorker);
      } catch (err) {
        // A configuration that cannot be cloned fails on its own; the worker stays.
        m.job = undefined;
        m.handle.keepAlive(false);
        job.reject(err);
      }
    }
  }
}
