import { methodNames } from '../optimizers/index.ts';
import { problemNames } from '../problems/index.ts';
import type { TrainingProgress } from '../problems/types.ts';
import { runSearch, type EvaluationPlan } from '../study/search.ts';
import type { Study, Trial } from '../study/study.ts';
import { flag, optionHelp, parseArgs, value, type OptionSpec } from './args.ts';
import { CliError } from './errors.ts';
import { setVerbose } from '../platform/index.ts';

const OPTIONS: OptionSpec[] = [
  { name: 'help', short: 'h', help: 'print this help and exit' },
  { name: 'problem', short: 'p', value: true, help: 'problem name (see the list below)' },
  { name: 'method', short: 'm', value: true, help: 'method name (see the list below)' },
  { name: 'out', short: 'o', value: true, help: 'run directory: trials.jsonl (journal) and summary.json' },
  { name: 'seed', short: 's', value: true, help: 'seed (default 0)' },
  { name: 'max-evals', value: true, help: "stop after this many evaluations (trials of the study); a cap only: the method's own schedule is unchanged" },
  { name: 'max-seconds', value: true, help: 'stop asking for trials after this many seconds of study time' },
  { name: 'preset', value: true, help: "the method's settings from the paper's example scripts: flowers or fashion" },
  { name: 'variant', value: true, help: "'fixed' (default: documented bugs repaired) or 'paper' (reproduce the reference code; on flowers/fashion with that problem's preset unless --preset or --method-options say otherwise)" },
  { name: 'method-options', value: true, help: 'JSON object of method options, e.g. \'{"populationSize": 20}\'' },
  { name: 'problem-options', value: true, help: 'JSON object of problem options, e.g. \'{"nVars": 5}\'' },
  { name: 'data-dir', value: true, help: 'data directory of the flowers/fashion problems (problem option dataDir)' },
  { name: 'device', value: true, help: "where flowers/fashion train: auto (default), webgpu or wasm (CPU, WebAssembly SIMD) (problem option device)" },
  {
    name: 'concurrency',
    value: true,
    help: 'trials evaluated at once, each in its own worker thread (on WebGPU: in this thread); default: the number of cores for flowers/fashion off WebGPU, else 1 in this thread',
  },
  { name: 'resume', help: 'continue the study journalled in --out; trials it left running are evaluated again' },
  { name: 'storage', value: true, help: "keep the study's events in Redis, redis://[user:password@]host:port/<study> (rediss:// for TLS), instead of DIR/trials.jsonl; --resume with the same --storage continues it" },
  { name: 'queue', value: true, help: 'hand the trials to the workers of this queue, redis://host:port (paretonas worker), instead of evaluating them here; --concurrency trials in flight (default 8)' },
  { name: 'keep-models', help: 'keep every trained model (flowers/fashion) in DIR/models/trial-N.safetensors (safetensors: opens in PyTorch)' },
  { name: 'fail-interrupted', help: 'with --resume: mark the trials the previous session left running as failed instead of running them again' },
  { name: 'quiet', short: 'q', help: 'no progress output' },
  { name: 'verbose', short: 'v', help: 'more diagnostics (WebGPU warnings); sets PARETONAS_VERBOSE=1 for this process and its workers' },
];

const DEVICES = ['auto', 'webgpu', 'wasm'];

export function searchHelp(): string {
  return `Usage: paretonas search --problem NAME --method NAME --out DIR [OPTIONS]

Run a multi-objective search. Every event goes to DIR/trials.jsonl as it happens (a killed run
loses no finished trial; continue it with --resume); DIR/summary.json holds the front and the
hypervolume history. On flowers/fashion every training writes DIR/checkpoints/trial-N.safetensors
after each epoch, so a trial a kill interrupted continues from its last epoch on --resume.

${optionHelp(OPTIONS)}

Problems:
${problemNames().map((p) => `  ${p.name.padEnd(14)} ${p.summary}`).join('\n')}

Methods:
${methodNames().map((m) => `  ${m.name.padEnd(14)} ${m.summary}`).join('\n')}`;
}

function intOption(name: string, v: string | undefined, min = 0): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${name} must be an integer >= ${min}, got '${v}'`, 2);
  return n;
}

function jsonOption(name: string, v: string | undefined): Record<string, unknown> | undefined {
  if (v === undefined) return undefined;
  try {
    const o = JSON.parse(v);
    if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new Error('not an object');
    return o;
  } catch (err) {
    throw new CliError(`--${name} must be a JSON object: ${(err as Error).message}`, 2);
  }
}

/** 42 s, 3m05s, 2h07m */
function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Where the progress goes: stderr, or anything with its write/isTTY/columns (tests). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * The search's progress on stderr: evaluations, hypervolume, the study's ETA, and per running
 * trial its epoch, loss, images/s and ETA. A timer refreshes it while trials run (a CNN trial
 * takes minutes): on a terminal redrawn in place every second, otherwise one line every 10 s.
 */
export class Progress {
  private readonly tty: boolean;
  private study?: Study;
  private plan?: EvaluationPlan;
  private timer?: ReturnType<typeof setInterval>;
  /** the latest progress of each running trial, and when it came (ms) */
  private readonly live = new Map<number, { p: TrainingProgress; at: number }>();
  /** lines drawn by the last redraw (TTY) */
  private drawn = 0;
  private lastDraw = 0;
  private lastLine = 0;
  private lastDone = -1;

  constructor(
    private readonly maxEvals: number | undefined,
    private readonly maxSeconds: number | undefined,
    private readonly quiet: boolean,
    private readonly out: ProgressStream = process.stderr,
  ) {
    this.tty = Boolean(out.isTTY);
  }

  start(study: Study, plan: EvaluationPlan): void {
    this.study = study;
    this.plan = plan;
    if (this.quiet) return;
    const where = plan.workers > 0 ? `in ${plan.workers} worker thread${plan.workers > 1 ? 's' : ''}` : 'in this thread';
    this.out.write(`${study.meta.problem ?? 'search'}: ${plan.concurrency} trial${plan.concurrency > 1 ? 's' : ''} at once, ${where}\n`);
    this.lastLine = Date.now();
    this.timer = setInterval(() => this.render(false), 1000);
    this.timer.unref?.();
  }

  progress(trial: Trial, p: TrainingProgress): void {
    this.live.set(trial.number, { p, at: Date.now() });
  }

  trialDone(trial: Trial): void {
    this.live.delete(trial.number);
    if (this.quiet || !this.study) return;
    const done = this.finished();
    if (this.tty) {
      // Fast problems finish thousands of trials a second: redraw at most every 50 ms.
      if (Date.now() - this.lastDraw >= 50) this.render(false);
    } else if (this.maxEvals && done % Math.max(1, Math.floor(this.maxEvals / 10)) === 0) {
      this.render(false, true);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.quiet && this.study) this.render(true);
  }

  /** A message between redraws (a warning, the interrupt notice), kept above the progress. */
  note(message: string): void {
    if (this.tty && this.drawn > 0) {
      const up = this.drawn > 1 ? `\x1b[${this.drawn - 1}A` : '';
      this.out.write(`\r${up}\x1b[J`);
      this.drawn = 0;
    }
    this.out.write(message);
  }

  private finished(): number {
    return this.study!.trials.filter((t) => t.state !== 'running').length;
  }

  /**
   * Seconds until the study stops: by --max-seconds, or by --max-evals: the running trials'
   * time left, then the trials not yet started at the mean trial time, `concurrency` at once.
   */
  private studyEta(): number | undefined {
    const study = this.study!;
    const etas: number[] = [];
    if (this.maxSeconds !== undefined) etas.push(this.maxSeconds - study.elapsed());
    if (this.maxEvals !== undefined) {
      const now = study.elapsed();
      const took = study.trials.filter((t) => t.toldAt !== undefined).map((t) => t.toldAt! - t.askedAt);
      // Before any trial has finished, the running ones' own estimates stand in.
      if (took.length === 0) {
        for (const t of study.running) {
          const eta = this.trialEta(t.number);
          if (eta !== undefined) took.push(now - t.askedAt + eta);
        }
      }
      if (took.length > 0) {
        const mean = took.reduce((a, b) => a + b, 0) / took.length;
        const running = study.running.map((t) => this.trialEta(t.number) ?? Math.max(0, mean - (now - t.askedAt)));
        const notStarted = Math.max(0, this.maxEvals - study.trials.length);
        etas.push(Math.max(0, ...running) + (notStarted * mean) / Math.max(1, this.plan?.concurrency ?? 1));
      }
    }
    return etas.length > 0 ? Math.max(0, Math.min(...etas)) : undefined;
  }

  /** Seconds left of a trial: its epochs left at its mean seconds per epoch so far. */
  private trialEta(number: number): number | undefined {
    const l = this.live.get(number);
    if (!l || l.p.epoch < 1) return undefined;
    const perEpoch = l.p.seconds / l.p.epoch;
    return Math.max(0, (l.p.epochs - l.p.epoch) * perEpoch - (Date.now() - l.at) / 1000);
  }

  private trialText(t: Trial, compact: boolean): string {
    const l = this.live.get(t.number);
    const age = this.study!.elapsed() - t.askedAt;
    if (!l) return `#${t.number} running ${duration(age)}`;
    const { p } = l;
    const eta = this.trialEta(t.number);
    const parts = [
      `#${t.number}`,
      compact ? `${p.epoch}/${p.epochs}` : `epoch ${p.epoch}/${p.epochs}`,
      `loss ${p.loss.toPrecision(4)}`,
      `${p.imagesPerSecond.toFixed(0)} img/s`,
      `ETA ${eta === undefined ? '?' : duration(eta)}`,
    ];
    return parts.join(compact ? ' ' : '  ');
  }

  private render(final: boolean, force = false): void {
    const study = this.study!;
    const done = this.finished();
    const hv = study.hypervolume();
    const secs = study.elapsed();
    const eta = final ? undefined : this.studyEta();
    const text = `${done}${this.maxEvals ? '/' + this.maxEvals : ''} evaluations  ${secs.toFixed(1)} s  hypervolume ${hv.toPrecision(6)}${eta !== undefined ? `  ETA ${duration(eta)}` : ''}`;
    // Trials of the fast (synthetic) problems come and go too quickly to be worth a line.
    const running = final ? [] : study.running.filter((t) => this.live.has(t.number) || secs - t.askedAt >= 2).sort((a, b) => a.number - b.number);
    if (this.tty) {
      const width = 24;
      const frac = this.maxEvals ? Math.min(1, done / this.maxEvals) : 0;
      const bar = this.maxEvals ? `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '.')}] ` : '';
      const SHOWN = 16;
      const lines = [`${bar}${text}`, ...running.slice(0, SHOWN).map((t) => `  ${this.trialText(t, false)}`)];
      if (running.length > SHOWN) lines.push(`  ... and ${running.length - SHOWN} more running`);
      // A wrapped line would throw off the cursor movement of the next redraw.
      const cols = Math.max(20, (this.out.columns ?? 80) - 1);
      const up = this.drawn > 1 ? `\x1b[${this.drawn - 1}A` : '';
      this.out.write(`\r${up}\x1b[J${lines.map((l) => l.slice(0, cols)).join('\n')}${final ? '\n' : ''}`);
      this.drawn = final ? 0 : lines.length;
      this.lastDraw = Date.now();
    } else if (final || force || Date.now() - this.lastLine >= 10_000) {
      const trials = running.map((t) => this.trialText(t, true)).join('; ');
      const line = `${text}${trials ? `  | ${trials}` : ''}`;
      // The last trial's line already said it all.
      if (final && done === this.lastDone) return;
      this.lastLine = Date.now();
      this.lastDone = done;
      this.out.write(`${line}\n`);
    }
  }
}

export async function searchCommand(argv: string[]): Promise<number> {
  const args = parseArgs('search', argv, OPTIONS);
  if (flag(args, 'help')) {
    process.stdout.write(searchHelp() + '\n');
    return 0;
  }
  if (args.positionals.length > 0) throw new CliError(`unexpected argument '${args.positionals[0]}'`, 2);
  const out = value(args, 'out');
  if (!out) throw new CliError('--out DIR is required', 2);
  const resume = flag(args, 'resume');
  const problem = value(args, 'problem');
  const method = value(args, 'method');
  if (!resume && (!problem || !method)) throw new CliError('--problem and --method are required (unless --resume)', 2);
  const variant = value(args, 'variant');
  if (variant !== undefined && variant !== 'paper' && variant !== 'fixed') throw new CliError(`--variant must be 'paper' or 'fixed', got '${variant}'`, 2);
  const methodOpts = { ...jsonOption('method-options', value(args, 'method-options')), ...(variant ? { variant } : {}) };
  const maxEvaluations = intOption('max-evals', value(args, 'max-evals'), 1);
  const maxSecondsText = value(args, 'max-seconds');
  const maxSeconds = maxSecondsText === undefined ? undefined : Number(maxSecondsText);
  if (maxSeconds !== undefined && !(maxSeconds > 0)) throw new CliError(`--max-seconds must be a positive number, got '${maxSecondsText}'`, 2);
  const device = value(args, 'device');
  if (device !== undefined && !DEVICES.includes(device)) throw new CliError(`--device must be one of ${DEVICES.join(', ')}, got '${device}'`, 2);
  const concurrency = intOption('concurrency', value(args, 'concurrency'), 1);
  // Read through src/platform by the WebGPU code; workers inherit the environment.
  if (flag(args, 'verbose')) setVerbose();
  const progress = new Progress(maxEvaluations, maxSeconds, flag(args, 'quiet'));
  const controller = new AbortController();
  const onSignal = () => {
    progress.note('\nparetonas search: interrupted; stopping the running trials (press again to quit at once)\n');
    controller.abort(new Error('interrupted'));
    process.off('SIGINT', onSignal);
  };
  process.on('SIGINT', onSignal);
  try {
    const { summary } = await runSearch({
      problem: problem ?? '',
      problemOptions: {
        ...jsonOption('problem-options', value(args, 'problem-options')),
        ...(value(args, 'data-dir') ? { dataDir: value(args, 'data-dir') } : {}),
        ...(device !== undefined ? { device } : {}),
      },
      method: method ?? '',
      preset: value(args, 'preset'),
      methodOptions: methodOpts,
      seed: intOption('seed', value(args, 'seed'), 0),
      out,
      maxEvaluations,
      maxSeconds,
      resume,
      interrupted: flag(args, 'fail-interrupted') ? 'fail' : 'rerun',
      keepModels: flag(args, 'keep-models'),
      storage: value(args, 'storage'),
      queue: value(args, 'queue'),
      ...(value(args, 'queue') !== undefined && concurrency !== undefined ? { concurrency } : {}),
      // --concurrency is the pool size (evaluationPlan keeps WebGPU trials in this thread).
      ...(value(args, 'queue') === undefined ? { workers: concurrency } : {}),
      signal: controller.signal,
      onStart: (study, plan) => progress.start(study, plan),
      onProgress: (t, p) => progress.progress(t, p),
      onTrial: (t) => progress.trialDone(t),
      onWarning: (m) => progress.note(`paretonas search: warning: ${m}\n`),
    });
    progress.stop();
    if (!flag(args, 'quiet')) {
      process.stderr.write(
        `\n${summary.method} on ${summary.problem}: ${summary.evaluations} evaluations (${summary.failed} failed), ` +
          `hypervolume ${summary.hypervolume.toPrecision(8)}, ${summary.front.length} on the front; ${out}/summary.json\n`,
      );
    }
    return 0;
  } catch (err) {
    progress.stop();
    if (err instanceof RangeError || (err instanceof Error && /already holds a run|--resume|in use by process|does not replay|corrupted|could not start problem|cannot reach Redis|storage must|storage:|queue must|queue:|--queue/.test(err.message))) {
      throw new CliError(err.message);
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
  }
}
