// A search on a named problem with a named method, journalled in a run directory:
// `<out>/trials.jsonl` (the journal) and `<out>/summary.json` (rewritten atomically).
import { mkdirSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { getMethod, methodOptions } from '../optimizers/index.ts';
import { makeProblem, type ProblemOptions } from '../problems/index.ts';
import type { Problem } from '../problems/types.ts';
import type { Config } from '../space/types.ts';
import type { StudyMeta } from './events.ts';
import { JournalStorage } from './journal.ts';
import { Study, type MethodFactory, type Trial } from './study.ts';

export interface SearchOptions {
  problem: string;
  problemOptions?: ProblemOptions;
  method: string;
  preset?: string;
  /** method options (override the preset's); `variant` goes here too */
  methodOptions?: Record<string, unknown>;
  seed?: number;
  /** run directory */
  out: string;
  maxEvaluations?: number;
  maxSeconds?: number;
  /** continue the study journalled in `out` */
  resume?: boolean;
  concurrency?: number;
  signal?: AbortSignal;
  onTrial?: (trial: Trial, study: Study) => void;
  onWarning?: (message: string) => void;
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
  };
}

export function writeSummary(out: string, study: Study): Summary {
  const s = summarize(study);
  const path = join(out, 'summary.json');
  writeFileSync(`${path}.tmp`, JSON.stringify(s, null, 1) + '\n');
  renameSync(`${path}.tmp`, path);
  return s;
}

const factoryFor = (method: string): MethodFactory => (ctx, meta) => getMethod(method).factory(ctx, meta.methodOptions ?? {});

/** Run (or resume) a search; returns the study (closed) and its summary. */
export async function runSearch(options: SearchOptions): Promise<{ study: Study; summary: Summary; problem: Problem }> {
  const journalPath = join(options.out, 'trials.jsonl');
  mkdirSync(options.out, { recursive: true });
  const storage = new JournalStorage(journalPath, { onWarning: options.onWarning });
  let study: Study;
  let problem: Problem;
  try {
    const existing = storage.load();
    if (options.resume) {
      if (existing.length === 0) throw new Error(`--resume: ${journalPath} holds no study to resume`);
      const meta = (existing[0] as { meta?: StudyMeta }).meta;
      if (!meta) throw new Error(`--resume: ${journalPath} does not start with a study event`);
      problem = await makeProblem(meta.problem ?? options.problem, (meta.problemOptions ?? {}) as ProblemOptions);
      study = Study.resume(storage, factoryFor(meta.method), options.onWarning);
    } else {
      if (existing.length > 0 || existsSync(join(options.out, 'summary.json'))) {
        throw new Error(`${options.out} already holds a run; pass --resume to continue it, or choose another --out`);
      }
      problem = await makeProblem(options.problem, options.problemOptions ?? {});
      const mopts = methodOptions(options.method, options.preset, options.methodOptions ?? {});
      // A method that plans its own schedule over a total (SH-EMOA) plans it over the run's cap.
      const total = getMethod(options.method).totalOption;
      if (total && options.maxEvaluations !== undefined && options.methodOptions?.[total] === undefined) mopts[total] = options.maxEvaluations;
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
          storage,
          onWarning: options.onWarning,
        },
        factoryFor(options.method),
      );
    }
  } catch (err) {
    storage.close();
    throw err;
  }
  let lastWrite = 0;
  try {
    await study.optimize(
      async (trial, signal) => {
        // Each trial its own seed (initialisation, shuffling, noise), fixed by the study's seed.
        const r = await problem.evaluate(trial.params, { budget: trial.budget, seed: study.meta.seed * 100_003 + trial.number, signal });
        return { values: r.values, metrics: r.metrics };
      },
      {
        maxEvaluations: options.maxEvaluations,
        maxSeconds: options.maxSeconds,
        signal: options.signal,
        concurrency: options.concurrency,
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
    study.close();
    await (problem as { dispose?: () => Promise<void> }).dispose?.();
  }
}
