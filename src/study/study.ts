// A study: trials proposed by a method through ask/tell, stored as events, with its Pareto
// front and hypervolume history. Objectives are turned into minimisation here and nowhere else.
import type { FinishedTrial, Optimizer, OptimizerContext, TrialState } from '../optimizers/types.ts';
import { hypervolume } from '../pareto/hypervolume.ts';
import { isNonDominated } from '../pareto/nonDominated.ts';
import type { Direction } from '../problems/types.ts';
import { SearchSpace } from '../space/space.ts';
import type { Config } from '../space/types.ts';
import { processId } from '../platform/index.ts';
import { JOURNAL_VERSION, type StudyEvent, type StudyMeta } from './events.ts';
import { MemoryStorage, type Storage } from './storage.ts';

/** A trial as the study keeps it. Values are in the objectives' own directions. */
export interface Trial {
  readonly number: number;
  readonly params: Config;
  readonly budget?: number;
  readonly info?: Record<string, unknown>;
  state: TrialState;
  values?: number[];
  metrics?: Record<string, number | string>;
  error?: string;
  /** elapsed study seconds when asked / told */
  askedAt: number;
  toldAt?: number;
}

/** What an objective may return: values, or values with extra metrics. */
export type ObjectiveResult = number[] | { values: number[]; metrics?: Record<string, number | string> };

export type TellResult =
  | ObjectiveResult
  | { state: 'failed' | 'pruned'; error?: string; metrics?: Record<string, number | string> };

export interface StudyOptions {
  space: SearchSpace;
  directions: Direction[];
  /** reference point in the objectives' own directions */
  referencePoint: number[];
  objectiveNames?: string[];
  method: string;
  methodOptions?: Record<string, unknown>;
  seed?: number;
  problem?: string;
  problemOptions?: Record<string, unknown>;
  minBudget?: number;
  maxBudget?: number;
  /** the run keeps every trained model (journalled, so a resumed run does too) */
  keepModels?: boolean;
  storage?: Storage;
  /** warnings (bad objective values, interrupted trials, ...); default console.warn */
  onWarning?: (message: string) => void;
}

/** Builds the method of a study from its metadata (used at creation and when resuming). */
export type MethodFactory = (ctx: OptimizerContext, meta: StudyMeta) => Optimizer;

export interface ResumeOptions {
  /**
   * what happens to trials that were running when the previous session ended: 'rerun'
   * (default) evaluates them again, 'fail' marks them failed
   */
  interrupted?: 'rerun' | 'fail';
}

export interface OptimizeOptions {
  /** stop asking once the study holds this many trials (all states, resumed ones included) */
  maxEvaluations?: number;
  /** stop asking once the study's elapsed time (over all sessions) reaches this */
  maxSeconds?: number;
  signal?: AbortSignal;
  /** trials evaluated at once (default 1) */
  concurrency?: number;
  /** called after every finished trial */
  onTrial?: (trial: Trial, study: Study) => void;
}

const now = () => Date.now();

export class Study {
  readonly meta: StudyMeta;
  readonly space: SearchSpace;
  private readonly storage: Storage;
  private readonly optimizer: Optimizer;
  private readonly signs: number[];
  private readonly refMin: number[];
  private readonly list: Trial[] = [];
  private readonly warn: (m: string) => void;
  private history: [number, number, number][] = [];
  /** interrupted trials (asked, never told) to hand out again before asking the method */
  private readonly reruns: Trial[] = [];
  private finishedCount = 0;
  /** when the study was created (ms since the epoch; its journal's first event) */
  createdAt = 0;
  private frontIdx: number[] = [];
  private done = false;
  /** elapsed seconds of earlier sessions, and this session's start (ms) */
  private offset = 0;
  private sessionStart = now();

  private constructor(meta: StudyMeta, storage: Storage, factory: MethodFactory, onWarning?: (m: string) => void) {
    this.meta = meta;
    this.storage = storage;
    this.space = SearchSpace.fromJSON(meta.space);
    this.warn = onWarning ?? ((m) => console.warn(`paretonas: ${m}`));
    this.signs = meta.directions.map((d) => (d === 'maximize' ? -1 : 1));
    this.refMin = meta.referencePoint.map((r, k) => r * this.signs[k]);
    this.optimizer = factory(
      {
        space: this.space,
        nObj: meta.directions.length,
        referencePoint: this.refMin,
        seed: meta.seed,
        minBudget: meta.minBudget,
        maxBudget: meta.maxBudget,
        problem: meta.problem,
        objectives: meta.objectiveNames,
      },
      meta,
    );
  }

  /** Start a new study (its storage must be empty). */
  static create(options: StudyOptions, factory: MethodFactory): Study {
    const fn = 'Study.create';
    const d = options.directions?.length ?? 0;
    if (d < 1) throw new RangeError(`${fn}: directions must list at least one objective`);
    for (const dir of options.directions) {
      if (dir !== 'minimize' && dir !== 'maximize') throw new RangeError(`${fn}: a direction must be 'minimize' or 'maximize', got ${JSON.stringify(dir)}`);
    }
    if (!Array.isArray(options.referencePoint) || options.referencePoint.length !== d || !options.referencePoint.every(Number.isFinite)) {
      throw new RangeError(`${fn}: referencePoint must be ${d} finite numbers, got ${JSON.stringify(options.referencePoint)}`);
    }
    const names = options.objectiveNames ?? options.directions.map((_, k) => `f${k}`);
    if (names.length !== d) throw new RangeError(`${fn}: objectiveNames has ${names.length} names for ${d} objectives`);
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed)) throw new RangeError(`${fn}: seed must be an integer, got ${seed}`);
    const storage = options.storage ?? new MemoryStorage();
    if (storage.load().length > 0) throw new Error(`${fn}: ${storage.where} already holds a study; resume it instead`);
    const meta: StudyMeta = {
      method: options.method,
      methodOptions: options.methodOptions,
      seed,
      problem: options.problem,
      problemOptions: options.problemOptions,
      objectiveNames: names,
      directions: [...options.directions],
      referencePoint: [...options.referencePoint],
      space: options.space.toJSON(),
      minBudget: options.minBudget,
      maxBudget: options.maxBudget,
      ...(options.keepModels ? { keepModels: true } : {}),
    };
    const study = new Study(meta, storage, factory, options.onWarning);
    study.createdAt = now();
    storage.append({ type: 'study', version: JOURNAL_VERSION, time: study.createdAt, meta });
    storage.append({ type: 'session', time: study.sessionStart, pid: processId(), resumed: false });
    return study;
  }

  /**
   * Reopen a stored study: replays its events through a fresh method built by `factory` (so
   * the method continues exactly where it was). Trials that were still running when the last
   * session ended are run again (same configuration, budget and trial number, so the same
   * evaluation seed): ask() hands them out first. With `interrupted: 'fail'` they are marked
   * failed instead, and the method sees that failure.
   */
  static resume(storage: Storage, factory: MethodFactory, onWarning?: (m: string) => void, options: ResumeOptions = {}): Study {
    const interrupted = options.interrupted ?? 'rerun';
    if (interrupted !== 'rerun' && interrupted !== 'fail') throw new RangeError(`Study.resume: options.interrupted must be 'rerun' or 'fail', got ${JSON.stringify(interrupted)}`);
    const events = storage.load();
    const head = events[0];
    if (!head || head.type !== 'study') throw new Error(`Study.resume: ${storage.where} holds no study (first event must be 'study')`);
    if (head.version !== JOURNAL_VERSION) throw new Error(`Study.resume: ${storage.where} has journal version ${head.version}, expected ${JOURNAL_VERSION}`);
    const study = new Study(head.meta, storage, factory, onWarning);
    study.createdAt = head.time;
    study.replay(events.slice(1));
    study.sessionStart = now();
    storage.append({ type: 'session', time: study.sessionStart, pid: processId(), resumed: true });
    for (const t of study.list) {
      if (t.state !== 'running') continue;
      if (interrupted === 'rerun') {
        study.warn(`trial ${t.number} was running when the previous session ended; it is run again`);
        study.reruns.push(t);
      } else {
        study.warn(`trial ${t.number} was running when the previous session ended; it is marked failed`);
        study.tell(t.number, { state: 'failed', error: 'interrupted: the process ended before the trial finished' });
      }
    }
    return study;
  }

  private replay(events: StudyEvent[]): void {
    let sessionStart: number | undefined;
    let last = 0;
    for (const ev of events) {
      if (ev.type === 'session') {
        if (sessionStart !== undefined) this.offset += (last - sessionStart) / 1000;
        sessionStart = ev.time;
        last = ev.time;
        continue;
      }
      if (sessionStart === undefined) throw new Error(`Study.resume: ${this.storage.where}: an event precedes the first session`);
      last = ev.time;
      const elapsed = this.offset + (ev.time - sessionStart) / 1000;
      if (ev.type === 'ask') {
        const r = this.optimizer.ask(ev.number, elapsed);
        if (ev.number !== this.list.length) throw new Error(`Study.resume: ${this.storage.where}: trial numbers out of order at ${ev.number}`);
        if (r.kind !== 'suggest' || !this.space.equal(r.suggestion.params, ev.params) || r.suggestion.budget !== ev.budget) {
          throw new Error(
            `Study.resume: method '${this.meta.method}' does not replay trial ${ev.number} of ${this.storage.where} ` +
              `(journalled ${JSON.stringify(ev.params)} at budget ${ev.budget}; got ${r.kind === 'suggest' ? JSON.stringify(r.suggestion.params) + ' at budget ' + r.suggestion.budget : r.kind}). ` +
              'Was it written by another version or with other options?',
          );
        }
        this.list.push({ number: ev.number, params: ev.params, budget: ev.budget, info: ev.info, state: 'running', askedAt: elapsed });
      } else if (ev.type === 'tell') {
        this.applyTell(ev.number, ev.state, ev.values, ev.metrics, ev.error, elapsed);
      } else {
        throw new Error(`Study.resume: ${this.storage.where}: unexpected event type '${(ev as { type: string }).type}'`);
      }
    }
    if (sessionStart !== undefined) this.offset += (last - sessionStart) / 1000;
  }

  /** Seconds of study time so far, over all sessions. */
  elapsed(): number {
    return this.offset + (now() - this.sessionStart) / 1000;
  }

  get trials(): readonly Trial[] {
    return this.list;
  }

  get nObj(): number {
    return this.meta.directions.length;
  }

  /** The method said it has finished. */
  get finished(): boolean {
    return this.done;
  }

  get running(): Trial[] {
    return this.list.filter((t) => t.state === 'running');
  }

  /**
   * The next trial to evaluate: an interrupted one to run again (see resume), else a new one
   * from the method. Returns undefined when the method must wait for running trials or has
   * finished (see `finished`).
   */
  ask(): Trial | undefined {
    const again = this.reruns.shift();
    if (again) return again;
    const number = this.list.length;
    // A trial is asked when the study asks the method (its ask() may take a while: a model fit).
    const time = now();
    const askedAt = this.offset + (time - this.sessionStart) / 1000;
    const r = this.optimizer.ask(number, askedAt);
    if (r.kind === 'done') {
      this.done = true;
      return undefined;
    }
    if (r.kind === 'wait') return undefined;
    const params = this.space.validate(r.suggestion.params, `method '${this.meta.method}' proposed an invalid configuration`);
    const t: Trial = { number, params, budget: r.suggestion.budget, info: r.suggestion.info, state: 'running', askedAt };
    this.storage.append({ type: 'ask', time, number, params, budget: t.budget, info: t.info });
    this.list.push(t);
    return t;
  }

  /**
   * Report a trial's result: objective values (in the objectives' own directions), optionally
   * with metrics, or a failed/pruned state. NaN, infinite or a wrong number of values make
   * the trial failed, with the reason kept.
   */
  tell(trial: Trial | number, result: TellResult): Trial {
    const number = typeof trial === 'number' ? trial : trial.number;
    const t = this.list[number];
    if (!t) throw new RangeError(`Study.tell: no trial ${number}`);
    if (t.state !== 'running') throw new RangeError(`Study.tell: trial ${number} is already ${t.state}`);
    let state: Exclude<TrialState, 'running'> = 'complete';
    let values: number[] | undefined;
    let metrics: Record<string, number | string> | undefined;
    let error: string | undefined;
    if (Array.isArray(result)) values = result;
    else if ('state' in result) {
      state = result.state;
      error = result.error;
      metrics = result.metrics;
    } else {
      values = result.values;
      metrics = result.metrics;
    }
    if (state === 'complete') {
      const bad = !Array.isArray(values)
        ? `the objective returned ${JSON.stringify(values)} instead of ${this.nObj} values`
        : values.length !== this.nObj
          ? `the objective returned ${values.length} values, expected ${this.nObj}`
          : values.some((v) => typeof v !== 'number' || !Number.isFinite(v))
            ? `the objective returned a non-finite value: ${JSON.stringify(values.map(String))}`
            : undefined;
      if (bad) {
        this.warn(`trial ${number} failed: ${bad}`);
        state = 'failed';
        error = bad;
        values = undefined;
      }
    }
    this.storage.append({ type: 'tell', time: now(), number, state, values, metrics, error });
    this.applyTell(number, state, values, metrics, error, this.elapsed());
    return t;
  }

  private applyTell(number: number, state: Exclude<TrialState, 'running'>, values: number[] | undefined, metrics: Trial['metrics'], error: string | undefined, elapsed: number): void {
    const t = this.list[number];
    if (!t || t.state !== 'running') throw new Error(`Study: ${this.storage.where}: tell for trial ${number}, which is not running`);
    t.state = state;
    t.values = values;
    t.metrics = metrics;
    t.error = error;
    t.toldAt = elapsed;
    this.finishedCount++;
    const finished: FinishedTrial = { number, params: t.params, budget: t.budget, info: t.info, state, values: values ? this.toMin(values) : undefined, metrics };
    this.optimizer.tell(finished);
    if (state === 'complete') this.updateFront(number);
    this.history.push([this.finishedCount, elapsed, this.currentHv]);
  }

  /** Values in minimisation form (maximised objectives negated). */
  toMin(values: readonly number[]): number[] {
    return values.map((v, k) => v * this.signs[k]);
  }

  private currentHv = 0;

  private updateFront(added: number): void {
    const idx = [...this.frontIdx, added];
    const d = this.nObj;
    const pts = new Float64Array(idx.length * d);
    idx.forEach((n, i) => pts.set(this.toMin(this.list[n].values!), i * d));
    const keep = isNonDominated(pts, d, { keepDuplicates: true });
    this.frontIdx = idx.filter((_, i) => keep[i] === 1);
    const frontPts = new Float64Array(this.frontIdx.length * d);
    this.frontIdx.forEach((n, i) => frontPts.set(this.toMin(this.list[n].values!), i * d));
    this.currentHv = hypervolume(frontPts, d, this.refMin);
  }

  /** Complete trials on the Pareto front (all budgets), in trial order. */
  paretoFront(): Trial[] {
    return [...this.frontIdx].sort((a, b) => a - b).map((n) => this.list[n]);
  }

  /** Hypervolume of the complete trials' values with respect to the reference point. */
  hypervolume(): number {
    return this.currentHv;
  }

  /** [finished trials, elapsed seconds, hypervolume] after every finished trial. */
  hvHistory(): [number, number, number][] {
    return this.history.map((h) => [...h] as [number, number, number]);
  }

  /**
   * Run `objective` on asked trials until the method finishes, a cap is reached or `signal`
   * aborts. A throwing objective makes a failed trial (the error is kept); running trials are
   * awaited before optimize() returns.
   */
  async optimize(
    objective: (trial: Trial, signal: AbortSignal) => ObjectiveResult | Promise<ObjectiveResult>,
    options: OptimizeOptions = {},
  ): Promise<void> {
    const fn = 'Study.optimize';
    const { maxEvaluations, maxSeconds, signal } = options;
    const concurrency = options.concurrency ?? 1;
    if (maxEvaluations !== undefined && !(Number.isInteger(maxEvaluations) && maxEvaluations >= 0)) {
      throw new RangeError(`${fn}: maxEvaluations must be a non-negative integer, got ${maxEvaluations}`);
    }
    if (maxSeconds !== undefined && !(maxSeconds >= 0)) throw new RangeError(`${fn}: maxSeconds must be >= 0, got ${maxSeconds}`);
    if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new RangeError(`${fn}: concurrency must be a positive integer, got ${concurrency}`);
    const inner = new AbortController();
    const onAbort = () => inner.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort);
    // setTimeout may fire a little before the study's own clock says the time is up: re-arm until it does
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (limit: number) => {
      const left = limit - this.elapsed();
      if (left <= 0) inner.abort(new Error('maxSeconds reached'));
      else timer = setTimeout(() => arm(limit), Math.ceil(left * 1000));
    };
    if (maxSeconds !== undefined) arm(maxSeconds);
    const running = new Map<number, Promise<void>>();
    const stopped = () => (maxSeconds !== undefined && this.elapsed() >= maxSeconds) || inner.signal.aborted;
    // interrupted trials are finished whatever the evaluation cap (they are counted in it already)
    const mayAsk = () => this.reruns.length > 0 || (!this.done && !(maxEvaluations !== undefined && this.list.length >= maxEvaluations));
    try {
      for (;;) {
        while (running.size < concurrency && !stopped() && mayAsk()) {
          const t = this.ask();
          if (!t) break;
          const p = (async () => {
            let result: TellResult;
            try {
              result = await objective(t, inner.signal);
            } catch (err) {
              if (inner.signal.aborted) {
                // Stopped by the deadline or the caller, not failed: the trial stays running (in
                // the journal too) and is evaluated again by the next optimize() or resume.
                this.reruns.push(t);
                this.reruns.sort((a, b) => a.number - b.number);
                return;
              }
              result = { state: 'failed', error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
            }
            this.tell(t, result);
            // a remote storage has the tell before the next trial is asked
            await this.storage.flush?.();
            options.onTrial?.(t, this);
          })();
          running.set(t.number, p.finally(() => running.delete(t.number)));
        }
        if (running.size === 0) break;
        await Promise.race(running.values());
      }
    } finally {
      await Promise.all(running.values());
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Close the storage (a remote one after writing out what is pending). */
  close(): void | Promise<void> {
    return this.storage.close();
  }
}
