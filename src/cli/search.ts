import { methodNames } from '../optimizers/index.ts';
import { problemNames } from '../problems/index.ts';
import { runSearch } from '../study/search.ts';
import type { Study, Trial } from '../study/study.ts';
import { flag, optionHelp, parseArgs, value, type OptionSpec } from './args.ts';
import { CliError } from './errors.ts';

const OPTIONS: OptionSpec[] = [
  { name: 'help', short: 'h', help: 'print this help and exit' },
  { name: 'problem', short: 'p', value: true, help: 'problem name (see the list below)' },
  { name: 'method', short: 'm', value: true, help: 'method name (see the list below)' },
  { name: 'out', short: 'o', value: true, help: 'run directory: trials.jsonl (journal) and summary.json' },
  { name: 'seed', short: 's', value: true, help: 'seed (default 0)' },
  { name: 'max-evals', value: true, help: 'stop after this many evaluations (trials of the study)' },
  { name: 'max-seconds', value: true, help: 'stop asking for trials after this many seconds of study time' },
  { name: 'preset', value: true, help: "the method's settings from the paper's example scripts: flowers or fashion" },
  { name: 'variant', value: true, help: "'fixed' (default: documented bugs repaired) or 'paper' (reproduce the reference code)" },
  { name: 'method-options', value: true, help: 'JSON object of method options, e.g. \'{"populationSize": 20}\'' },
  { name: 'problem-options', value: true, help: 'JSON object of problem options, e.g. \'{"nVars": 5}\'' },
  { name: 'data-dir', value: true, help: 'data directory of the flowers/fashion problems (problem option dataDir)' },
  { name: 'concurrency', value: true, help: 'trials evaluated at once (default 1)' },
  { name: 'resume', help: 'continue the study journalled in --out' },
  { name: 'quiet', short: 'q', help: 'no progress output' },
];

export function searchHelp(): string {
  return `Usage: paretonas search --problem NAME --method NAME --out DIR [OPTIONS]

Run a multi-objective search. Every event goes to DIR/trials.jsonl as it happens (a killed run
loses no finished trial; continue it with --resume); DIR/summary.json holds the front and the
hypervolume history.

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

class Progress {
  private readonly tty = Boolean(process.stderr.isTTY);
  private lastLine = 0;
  private readonly start = Date.now();
  constructor(private readonly max: number | undefined, private readonly quiet: boolean) {}

  update(study: Study, final = false): void {
    if (this.quiet) return;
    const done = study.trials.filter((t: Trial) => t.state !== 'running').length;
    const hv = study.hypervolume();
    const secs = study.elapsed();
    const text = `${done}${this.max ? '/' + this.max : ''} evaluations  ${secs.toFixed(1)} s  hypervolume ${hv.toPrecision(6)}`;
    if (this.tty) {
      const width = 24;
      const frac = this.max ? Math.min(1, done / this.max) : 0;
      const bar = this.max ? `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '.')}] ` : '';
      process.stderr.write(`\r${bar}${text}   ${final ? '\n' : ''}`);
    } else if (final || Date.now() - this.lastLine > 10_000 || (this.max && done % Math.max(1, Math.floor(this.max / 10)) === 0)) {
      this.lastLine = Date.now();
      process.stderr.write(`${text}\n`);
    }
    void this.start;
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
  const progress = new Progress(maxEvaluations, flag(args, 'quiet'));
  const controller = new AbortController();
  const onSignal = () => {
    process.stderr.write('\npareto search: interrupted; finishing the running trials (press again to stop now)\n');
    controller.abort(new Error('interrupted'));
    process.off('SIGINT', onSignal);
  };
  process.on('SIGINT', onSignal);
  try {
    const { summary } = await runSearch({
      problem: problem ?? '',
      problemOptions: { ...jsonOption('problem-options', value(args, 'problem-options')), ...(value(args, 'data-dir') ? { dataDir: value(args, 'data-dir') } : {}) },
      method: method ?? '',
      preset: value(args, 'preset'),
      methodOptions: methodOpts,
      seed: intOption('seed', value(args, 'seed'), 0),
      out,
      maxEvaluations,
      maxSeconds,
      resume,
      concurrency: intOption('concurrency', value(args, 'concurrency'), 1),
      signal: controller.signal,
      onTrial: (_t, study) => progress.update(study),
      onWarning: (m) => process.stderr.write(`paretonas search: warning: ${m}\n`),
    });
    if (!flag(args, 'quiet')) {
      process.stderr.write(
        `\n${summary.method} on ${summary.problem}: ${summary.evaluations} evaluations (${summary.failed} failed), ` +
          `hypervolume ${summary.hypervolume.toPrecision(8)}, ${summary.front.length} on the front; ${out}/summary.json\n`,
      );
    }
    return 0;
  } catch (err) {
    if (err instanceof RangeError || (err instanceof Error && /already holds a run|--resume|in use by process|does not replay|corrupted/.test(err.message))) {
      throw new CliError(err.message);
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
  }
}
