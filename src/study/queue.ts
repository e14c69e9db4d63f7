// Trials on a job queue (BullMQ on Redis): `search --queue redis://host:port` hands every trial
// to the queue instead of evaluating it, and `paretonas worker --queue ...` processes on any
// machine with the data evaluate them. The driver stays the only process that asks and tells;
// workers are stateless. A job carries data only (problem, problem options, configuration,
// budget, seed, a method's job), checked and validated against the problem's space before
// anything runs. Jobs have stable ids (the run and the trial number): a resumed driver that
// adds a trial again re-attaches to the job still queued, running or finished. A worker killed
// mid-job stops renewing its lock; after the stall timeout BullMQ hands the job to another worker.
import type { Job, Queue, QueueEvents, Worker } from 'bullmq';
import { makeProblem, type ProblemOptions } from '../problems/index.ts';
import type { EvaluateOptions, Evaluation, Problem, TrainingProgress } from '../problems/types.ts';
import type { Config } from '../space/types.ts';
import { parseRedisUrl } from './redis.ts';

export const TRIAL_QUEUE = 'paretonas-trials';
const JOB_VERSION = 1;

/** What a job carries: data only. */
export interface TrialJobData {
  v: number;
  problem: string;
  problemOptions: Record<string, unknown>;
  config: Config;
  budget?: number;
  seed: number;
  /** a method's own job (Bulk & Cut), JSON */
  job?: Record<string, unknown>;
}

/** BullMQ's connection from a redis:// address (no study path needed). */
function connection(url: string, what: string): Record<string, unknown> {
  const a = parseRedisUrl(url, what);
  // BullMQ's blocking commands need maxRetriesPerRequest null
  return { ...a.options, lazyConnect: false, maxRetriesPerRequest: null };
}

/** The checks a worker makes before running a job; the message says what is wrong. */
export function checkTrialJob(data: unknown): TrialJobData {
  const d = data as Partial<TrialJobData> | null;
  const bad = (m: string) => new Error(`not a paretonas trial job: ${m}`);
  if (!d || typeof d !== 'object' || Array.isArray(d)) throw bad(`its data is ${JSON.stringify(data)?.slice(0, 80)}`);
  if (d.v !== JOB_VERSION) throw bad(`version ${JSON.stringify(d.v)} (this worker reads ${JOB_VERSION})`);
  if (typeof d.problem !== 'string') throw bad('problem must be a name');
  if (!d.problemOptions || typeof d.problemOptions !== 'object' || Array.isArray(d.problemOptions)) throw bad('problemOptions must be an object');
  if (!d.config || typeof d.config !== 'object' || Array.isArray(d.config)) throw bad('config must be an object');
  if (d.budget !== undefined && !(typeof d.budget === 'number' && d.budget >= 0 && Number.isFinite(d.budget))) throw bad(`budget must be a non-negative number, got ${JSON.stringify(d.budget)}`);
  if (!Number.isInteger(d.seed)) throw bad(`seed must be an integer, got ${JSON.stringify(d.seed)}`);
  if (d.job !== undefined && (!d.job || typeof d.job !== 'object' || Array.isArray(d.job))) throw bad('job must be an object');
  return d as TrialJobData;
}

/**
 * A problem whose evaluations run on the queue's workers. Its space, objectives and budgets are
 * those of the local instance (which never loads data or evaluates here).
 */
/** How often a driver reads a running job's state from Redis (see QueueProblem.poll). */
const POLL_MS = 2000;

type JobResult = { values: number[]; metrics?: Record<string, number | string> };

export class QueueProblem implements Problem {
  readonly name: string;
  readonly space: Problem['space'];
  readonly objectives: Problem['objectives'];
  readonly referencePoint: Problem['referencePoint'];
  readonly minBudget?: number;
  readonly maxBudget?: number;

  private constructor(
    local: Problem,
    private readonly problemOptions: Record<string, unknown>,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
  ) {
    this.name = local.name;
    this.space = local.space;
    this.objectives = local.objectives;
    this.referencePoint = local.referencePoint;
    this.minBudget = local.minBudget;
    this.maxBudget = local.maxBudget;
  }

  /** a stable name of the run, the prefix of its job ids (a search sets it once the study is open) */
  run = 'run';

  /** A queue on `url` for a problem's trials. */
  static async create(url: string, local: Problem, problemOptions: Record<string, unknown>): Promise<QueueProblem> {
    const { Queue, QueueEvents } = await import('bullmq');
    const conn = connection(url, 'queue');
    const queue = new Queue(TRIAL_QUEUE, { connection: conn });
    // a short blocking read, so that closing the event stream takes at most a second
    const events = new QueueEvents(TRIAL_QUEUE, { connection: conn, blockingTimeout: 1000 });
    events.setMaxListeners(0); // one progress listener per trial in flight
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        Promise.all([queue.waitUntilReady(), events.waitUntilReady()]),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('no answer within 10 s')), 10_000);
        }),
      ]);
    } catch (err) {
      await Promise.allSettled([queue.close(), events.close()]);
      throw new Error(`cannot reach Redis at ${parseRedisUrl(url, 'queue').display}: ${(err as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
    return new QueueProblem(local, problemOptions, queue, events);
  }

  async evaluate(config: Config, options: EvaluateOptions = {}): Promise<Evaluation> {
    const data: TrialJobData = {
      v: JOB_VERSION, problem: this.name, problemOptions: this.problemOptions, config, seed: options.seed ?? 0,
      ...(options.budget !== undefined ? { budget: options.budget } : {}),
      ...(options.job ? { job: options.job } : {}),
    };
    // the same id for the same trial: adding it again (a resumed driver) finds the job as it is
    const jobId = options.id ? `${this.run}-${options.id}` : undefined;
    const job = await this.queue.add('trial', data, { jobId, attempts: 1, removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } });
    // the worker's per-epoch progress, passed on while the job runs
    const onProgress = options.onProgress;
    const progress = ({ jobId: id, data: p }: { jobId: string; data: unknown }) => {
      if (id === job.id && p && typeof p === 'object') onProgress!(p as TrainingProgress);
    };
    if (onProgress) this.events.on('progress', progress);
    let finished = false;
    const done = Promise.race([
      job.waitUntilFinished(this.events) as Promise<JobResult>,
      this.poll(job.id!, () => finished),
    ]).finally(() => {
      finished = true;
      if (onProgress) this.events.off('progress', progress);
    });
    const signal = options.signal;
    const r = signal
      ? await new Promise<JobResult>((resolve, reject) => {
        // the driver stops waiting; the job goes on, and a resumed driver re-attaches to it
        const onAbort = () => reject(signal.reason ?? new Error('aborted'));
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        done.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      })
      : await done;
    return { values: r.values, metrics: r.metrics };
  }

  /**
   * The job's result read from Redis every POLL_MS, beside the completion event: a job that
   * finishes within milliseconds of being added can finish before the event stream is read (a
   * 10-trial search over TLS once waited forever for 8 such events). Settles only when the job has
   * finished; gives up silently once `stop()` is true (the event came first, or the queue closes).
   */
  private async poll(jobId: string, stop: () => boolean): Promise<JobResult> {
    for (;;) {
      // unref'd: a finished search does not wait for the next poll to exit
      await new Promise((r) => (setTimeout(r, POLL_MS) as { unref?: () => void }).unref?.());
      if (stop() || this.closing) return new Promise<never>(() => {});
      const j = await this.queue.getJob(jobId).catch(() => undefined);
      if (!j) continue;
      const state = await j.getState().catch(() => 'unknown');
      if (state === 'completed') return j.returnvalue as JobResult;
      if (state === 'failed') throw new Error(j.failedReason || `job ${jobId} failed`);
    }
  }

  private closing = false;

  async dispose(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([this.queue.close(), this.events.close()]);
  }
}

export interface WorkerOptions {
  /** jobs at once (default 1) */
  concurrency?: number;
  /** problem options every job's are overlaid with (this machine's device, data directory) */
  overrides?: Record<string, unknown>;
  /** take only jobs of this problem, and load its data before taking any */
  problem?: string;
  /** seconds without a lock renewal after which a job counts as stalled and goes to another worker (default 30) */
  stallSeconds?: number;
  onLog?: (line: string) => void;
  /**
   * called when this machine cannot load a job's problem (its data, its module): the worker takes
   * no more jobs, and the job, left unfinished, goes to another worker after the stall timeout.
   * The CLI exits; default: the worker closes.
   */
  onFatal?: (error: Error) => void;
}

/**
 * Process the queue's trials until closed. With `problem`, its data and module are loaded first:
 * a worker that cannot load them throws here and takes no job.
 */
export async function runWorker(url: string, options: WorkerOptions = {}): Promise<{ worker: Worker; close(): Promise<void> }> {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`worker: concurrency must be a positive integer, got ${concurrency}`);
  const stall = options.stallSeconds ?? 30;
  if (!(stall >= 1 && Number.isFinite(stall))) throw new RangeError(`worker: stallSeconds must be a number >= 1, got ${stall}`);
  const log = options.onLog ?? (() => {});
  const overrides = options.overrides ?? {};
  const problems = new Map<string, Promise<Problem>>();
  const problemFor = (name: string, o: Record<string, unknown>) => {
    const key = JSON.stringify([name, o]);
    if (!problems.has(key)) {
      const p = makeProblem(name, { ...o, ...overrides } as ProblemOptions).then(async (pr) => {
        await (pr as { ready?: () => Promise<void> }).ready?.();
        return pr;
      });
      p.catch(() => problems.delete(key));
      problems.set(key, p);
    }
    return problems.get(key)!;
  };
  if (options.problem) await problemFor(options.problem, {});
  const { Worker, UnrecoverableError } = await import('bullmq');
  const worker = new Worker(
    TRIAL_QUEUE,
    async (job: Job) => {
      let d: TrialJobData;
      try {
        d = checkTrialJob(job.data);
        if (options.problem && d.problem !== options.problem) throw new Error(`this worker takes ${options.problem} jobs only, not ${d.problem}`);
      } catch (err) {
        log(`job ${job.id}: refused: ${(err as Error).message}`);
        throw new UnrecoverableError((err as Error).message);
      }
      let p: Problem;
      try {
        p = await problemFor(d.problem, d.problemOptions);
      } catch (err) {
        // not this job's fault: this machine lacks what the problem needs. Take no more jobs and
        // leave this one unfinished, so that another worker takes it once its lock lapses.
        log(`job ${job.id}: cannot load problem ${d.problem}: ${(err as Error).message}; this worker takes no more jobs`);
        if (options.onFatal) options.onFatal(err as Error);
        else void worker.close(true);
        return new Promise<never>(() => {});
      }
      // validated against the problem's space before anything runs
      const config = p.space.validate(d.config, `job ${job.id}`);
      log(`job ${job.id}: ${d.problem}${d.budget !== undefined ? ` budget ${d.budget}` : ''} seed ${d.seed}`);
      const r = await p.evaluate(config, {
        budget: d.budget, seed: d.seed, ...(d.job ? { job: d.job } : {}),
        onProgress: (pr) => void job.updateProgress({ ...pr }).catch(() => undefined),
      });
      return { values: Array.from(r.values), metrics: r.metrics };
    },
    { connection: connection(url, 'queue'), concurrency, lockDuration: stall * 1000, stalledInterval: stall * 1000, maxStalledCount: 3, autorun: true },
  );
  worker.on('failed', (job, err) => log(`job ${job?.id}: failed: ${err.message}`));
  worker.on('error', (err) => log(`worker error: ${err.message}`));
  await worker.waitUntilReady();
  return {
    worker,
    close: async () => {
      await worker.close();
      for (const p of problems.values()) await (await p.catch(() => undefined) as { dispose?: () => Promise<void> } | undefined)?.dispose?.();
    },
  };
}
