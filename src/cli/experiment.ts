// `paretonas experiment`: a grid of methods x seeds on one problem, each run a `paretonas search`
// process with the same budget, --concurrency of them at once, into one directory; resumable as
// a whole; then the comparison the paper makes (src/study/experiment.ts).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyseExperiment, type ExperimentAnalysis, type ExperimentRun } from '../study/experiment.ts';
import { flag, optionHelp, parseArgs, value, type OptionSpec } from './args.ts';
import { CliError } from './errors.ts';
import { PALETTE, svgDocument, type Series } from './svg.ts';

const OPTIONS: OptionSpec[] = [
  { name: 'help', short: 'h', help: 'print this help and exit' },
  { name: 'problem', short: 'p', value: true, help: 'problem name (as paretonas search)' },
  { name: 'methods', short: 'm', value: true, help: 'comma-separated methods, e.g. random,mobohb,msehvi,mobananas,shemoa,bulkcut' },
  { name: 'seeds', short: 's', value: true, help: 'a count N (seeds 1..N) or a comma-separated list (default 3)' },
  { name: 'out', short: 'o', value: true, help: 'experiment directory: one run directory per method and seed, experiment.json, the report' },
  { name: 'max-evals', value: true, help: 'budget of every run in evaluations' },
  { name: 'max-seconds', value: true, help: 'budget of every run in seconds (wall clock)' },
  { name: 'concurrency', short: 'c', value: true, help: 'runs at once, each a process evaluating one trial at a time (default: the number of cores)' },
  { name: 'resume', help: 'continue the experiment in --out: finished runs are kept, interrupted ones resumed' },
  { name: 'compare', value: true, help: 'two methods for the EAF difference, e.g. mobohb,random (default: the first method and random)' },
  { name: 'preset', value: true, help: "passed to every run (paretonas search --preset)" },
  { name: 'variant', value: true, help: "passed to every run: 'fixed' (default) or 'paper'" },
  { name: 'problem-options', value: true, help: 'passed to every run (JSON)' },
  { name: 'data-dir', value: true, help: 'passed to every run (flowers/fashion)' },
  { name: 'device', value: true, help: 'passed to every run (flowers/fashion): auto, webgpu or wasm' },
  { name: 'quiet', short: 'q', help: 'no progress output' },
];

export const EXPERIMENT_HELP = `Usage: paretonas experiment --problem NAME --methods A,B,... --out DIR (--max-evals N | --max-seconds S) [OPTIONS]

Run every method with every seed on one problem, each run with the same budget, as separate
'paretonas search' processes (--concurrency at once, each evaluating one trial at a time), into
DIR/<method>-seed<seed>. A killed experiment continues with --resume (finished runs are kept,
the others resume from their journals). At the end it writes DIR/experiment.md (final
hypervolumes per method: median and quartiles, and a two-sided Wilcoxon rank-sum test of each
method against random), DIR/hv-time.svg (median and quartile band of hypervolume over time per
method, all runs measured with one reference point), DIR/attainment.svg (the median attainment
surface of each method) and DIR/eafdiff.svg (where one method's runs attain more than another's).

${optionHelp(OPTIONS)}`;

interface Spec {
  problem: string;
  methods: string[];
  seeds: number[];
  maxEvaluations?: number;
  maxSeconds?: number;
  passThrough: string[];
}

const CLI = fileURLToPath(new URL('../../bin/paretonas.js', import.meta.url));

function positiveNumber(name: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) throw new CliError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got '${text}'`);
  return v;
}

function parseSeeds(text: string | undefined): number[] {
  if (text === undefined) return [1, 2, 3];
  if (/^\d+$/.test(text.trim())) return Array.from({ length: Number(text) }, (_, i) => i + 1);
  const seeds = text.split(',').map((s) => Number(s.trim()));
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new CliError(`--seeds must be a count or a list of non-negative integers, got '${text}'`);
  return seeds;
}

function runDir(out: string, method: string, seed: number): string {
  return join(out, `${method}-seed${seed}`);
}

/** A process that still holds the run's journal lock (a search left running by a killed experiment). */
function lockHolder(dir: string): number | undefined {
  const lock = join(dir, 'trials.jsonl.lock');
  if (!existsSync(lock)) return undefined;
  try {
    const pid = (JSON.parse(readFileSync(lock, 'utf8')) as { pid?: number }).pid;
    if (pid === undefined) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

async function runOne(spec: Spec, out: string, method: string, seed: number, log: (s: string) => void): Promise<void> {
  const dir = runDir(out, method, seed);
  // A search a killed experiment left behind finishes first (two processes never write one journal).
  for (let pid = lockHolder(dir); pid !== undefined; pid = lockHolder(dir)) {
    log(`${method} seed ${seed}: waiting for process ${pid}, which a previous session left running`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const resume = existsSync(join(dir, 'trials.jsonl'));
  const args = [CLI, 'search', '-p', spec.problem, '-m', method, '-s', String(seed), '-o', dir, '--concurrency', '1', '-q', ...spec.passThrough];
  if (spec.maxEvaluations !== undefined) args.push('--max-evals', String(spec.maxEvaluations));
  if (spec.maxSeconds !== undefined) args.push('--max-seconds', String(spec.maxSeconds));
  if (resume) args.push('--resume');
  log(`${method} seed ${seed}: ${resume ? 'resumed' : 'started'}`);
  const stderr: string[] = [];
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (b: Buffer) => stderr.push(b.toString()));
    child.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`${method} seed ${seed} failed (exit ${code}): ${stderr.join('').trim().split('\n').slice(-3).join(' ')}`);
  writeFileSync(join(dir, 'complete'), `${new Date().toISOString()}\n`);
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { evaluations: number; hypervolume: number };
  log(`${method} seed ${seed}: finished, ${summary.evaluations} evaluations, hypervolume ${Number(summary.hypervolume.toPrecision(6))}`);
}

const fmt = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(5))) : '—');

function writeReport(out: string, spec: Spec, a: ExperimentAnalysis): string[] {
  const files: string[] = [];
  const budget = spec.maxSeconds !== undefined ? `${spec.maxSeconds} s per run` : `${spec.maxEvaluations} evaluations per run`;
  const md = [
    `# Experiment: ${spec.methods.join(', ')} on ${spec.problem}`,
    '',
    `Seeds ${spec.seeds.join(', ')}; ${budget}; one trial at a time per run. Hypervolume of every run recomputed from its journal w.r.t. the reference point (${a.referencePoint.map(fmt).join(', ')}), objectives ${a.objectives.map((o, k) => `${o} (${a.directions[k] === 'maximize' ? 'max' : 'min'})`).join(', ')}.`,
    '',
    '| method | runs | final hypervolume: median [q1, q3] | rank-sum p vs random (two-sided) |',
    '|---|---|---|---|',
    ...a.finals.map((f) => `| ${f.method} | ${f.finals.length} | ${fmt(f.median)} [${fmt(f.q1)}, ${fmt(f.q3)}] | ${f.pVsRandom === undefined ? '—' : fmt(f.pVsRandom)} |`),
    '',
    '| run | evaluations | final hypervolume |',
    '|---|---|---|',
    ...a.curves.map((c) => `| ${c.run.method} seed ${c.run.seed} | ${c.steps.length} complete | ${fmt(c.finalHv)} |`),
    '',
    'Figures: hv-time.svg (median and quartile band per method), attainment.svg (median attainment surfaces)' + (a.diff ? `, eafdiff.svg (${a.diff.a} against ${a.diff.b})` : '') + '.',
    '',
  ];
  writeFileSync(join(out, 'experiment.md'), md.join('\n'));
  files.push(join(out, 'experiment.md'));

  const bandSeries: Series[] = [];
  a.bands.forEach((b, i) => {
    const color = PALETTE[i % PALETTE.length];
    bandSeries.push({ name: `${b.method}: median`, kind: 'step', color, points: b.t.map((t, k) => [t, b.median[k]] as [number, number]) });
    bandSeries.push({
      name: `${b.method}: quartiles`, kind: 'band', color,
      points: [...b.t.map((t, k) => [t, b.q3[k]] as [number, number]), ...b.t.map((t, k) => [t, b.q1[k]] as [number, number]).reverse()],
    });
  });
  writeFileSync(join(out, 'hv-time.svg'), svgDocument([{ title: 'Hypervolume over time (median, quartiles)', xLabel: 'seconds', yLabel: 'hypervolume', series: bandSeries }], 720, 460));
  files.push(join(out, 'hv-time.svg'));

  if (a.medianSurfaces.length > 0) {
    const dirs = a.directions;
    const series: Series[] = a.medianSurfaces.map((s, i) => {
      const pts: [number, number][] = [];
      for (let k = 0; k < s.points.length; k += 2) pts.push([s.points[k], s.points[k + 1]]);
      pts.sort((p, q) => p[0] - q[0]);
      return { name: s.method, kind: 'step', color: PALETTE[i % PALETTE.length], points: pts };
    });
    const axis = (k: number) => `${a.objectives[k]} (${dirs[k] === 'maximize' ? 'maximise' : 'minimise'})`;
    writeFileSync(join(out, 'attainment.svg'), svgDocument([{ title: 'Median attainment surfaces', xLabel: axis(0), yLabel: axis(1), series }], 640, 480));
    files.push(join(out, 'attainment.svg'));
    if (a.diff) {
      const rects: [number, number, number, number, number][] = [];
      for (let k = 0; k < a.diff.rects.length; k += 5) rects.push(a.diff.rects.slice(k, k + 5) as [number, number, number, number, number]);
      writeFileSync(join(out, 'eafdiff.svg'), svgDocument([{
        title: `EAF difference: ${a.diff.a} (blue) against ${a.diff.b} (red)`, xLabel: axis(0), yLabel: axis(1),
        series: [...series, { name: 'attained more often (shade: by how much)', kind: 'rects', color: '#2166ac', points: [], rects }],
      }], 640, 480));
      files.push(join(out, 'eafdiff.svg'));
    }
  }
  return files;
}

export async function experimentCommand(argv: string[]): Promise<number> {
  const args = parseArgs('experiment', argv, OPTIONS);
  if (flag(args, 'help')) {
    process.stdout.write(EXPERIMENT_HELP + '\n');
    return 0;
  }
  const out = value(args, 'out');
  if (!out) throw new CliError('--out is required', 2);
  const specFile = join(out, 'experiment.json');
  let spec: Spec;
  if (flag(args, 'resume')) {
    if (!existsSync(specFile)) throw new CliError(`--resume: ${specFile} does not exist (start the experiment without --resume)`);
    spec = JSON.parse(readFileSync(specFile, 'utf8')) as Spec;
  } else {
    if (existsSync(specFile)) throw new CliError(`${out} holds an experiment already: continue it with --resume, or choose another --out`);
    const problem = value(args, 'problem');
    const methods = value(args, 'methods')?.split(',').map((m) => m.trim()).filter((m) => m !== '');
    if (!problem) throw new CliError('--problem is required', 2);
    if (!methods || methods.length === 0) throw new CliError('--methods is required (comma-separated)', 2);
    const maxEvaluations = positiveNumber('max-evals', value(args, 'max-evals'), true);
    const maxSeconds = positiveNumber('max-seconds', value(args, 'max-seconds'), false);
    if (maxEvaluations === undefined && maxSeconds === undefined) throw new CliError('give every run a budget: --max-evals N or --max-seconds S', 2);
    const passThrough: string[] = [];
    for (const name of ['preset', 'variant', 'problem-options', 'data-dir', 'device']) {
      const v = value(args, name);
      if (v !== undefined) passThrough.push(`--${name}`, v);
    }
    spec = { problem, methods, seeds: parseSeeds(value(args, 'seeds')), maxEvaluations, maxSeconds, passThrough };
  }
  const concurrency = positiveNumber('concurrency', value(args, 'concurrency'), true) ?? availableParallelism();
  const compareText = value(args, 'compare');
  const compare = compareText?.split(',').map((s) => s.trim());
  if (compare && (compare.length !== 2 || compare.some((m) => !spec.methods.includes(m)))) {
    throw new CliError(`--compare must name two of the experiment's methods (${spec.methods.join(', ')}), got '${compareText}'`);
  }
  if (!flag(args, 'resume')) {
    mkdirSync(out, { recursive: true });
    writeFileSync(specFile, JSON.stringify(spec, null, 2) + '\n');
  }
  const quiet = flag(args, 'quiet');
  const log = (s: string) => { if (!quiet) process.stderr.write(`[experiment] ${s}\n`); };

  const runs: ExperimentRun[] = spec.methods.flatMap((method) => spec.seeds.map((seed) => ({ method, seed, dir: runDir(out, method, seed) })));
  const todo = runs.filter((r) => !existsSync(join(r.dir, 'complete')));
  log(`${runs.length} runs (${runs.length - todo.length} finished before), ${Math.min(concurrency, todo.length)} at once`);
  const failures: string[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, async () => {
    while (next < todo.length) {
      const r = todo[next++];
      try {
        await runOne(spec, out, r.method, r.seed, log);
      } catch (err) {
        failures.push((err as Error).message);
        log((err as Error).message);
      }
    }
  }));
  const done = runs.filter((r) => existsSync(join(r.dir, 'complete')));
  if (done.length === 0) throw new CliError(`no run finished: ${failures.join('; ')}`);
  const files = writeReport(out, spec, analyseExperiment(done, compare as [string, string] | undefined));
  process.stdout.write(files.map((f) => `wrote ${f}\n`).join(''));
  if (failures.length > 0) {
    process.stderr.write(`paretonas experiment: ${failures.length} run(s) failed; the report covers the ${done.length} that finished. Fix the cause and rerun with --resume.\n`);
    return 1;
  }
  return 0;
}
