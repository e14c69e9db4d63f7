import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseJournal } from '../study/journal.ts';
import type { Summary } from '../study/search.ts';
import { flag, optionHelp, parseArgs, value, type OptionSpec } from './args.ts';
import { CliError } from './errors.ts';
import { PALETTE, svgDocument, type Series } from './svg.ts';

const OPTIONS: OptionSpec[] = [
  { name: 'help', short: 'h', help: 'print this help and exit' },
  { name: 'out', short: 'o', value: true, help: 'where to write front.svg and hv.svg (default: the first run directory)' },
  { name: 'html', help: 'also write report.html: one self-contained interactive page (opens offline)' },
];

export const REPORT_HELP = `Usage: paretonas report RUN_DIR [RUN_DIR...] [--out DIR]

Print a summary of each run (and a comparison when several are given), and write two plots:
front.svg (every evaluation and the Pareto front, first two objectives) and hv.svg (hypervolume
over evaluations and over time, runs overlaid). With --html, also report.html: the evaluations
and fronts (hover a point for its trial's configuration, budget and metrics), hypervolume over
evaluations and over time, parallel coordinates of the hyperparameters and a sortable,
filterable table of the trials, in one file that opens offline.

${optionHelp(OPTIONS)}`;

interface Run {
  dir: string;
  name: string;
  summary: Summary;
  /** values of every complete trial, in the objectives' own directions */
  evaluations: number[][];
}

function loadRun(dir: string): Run {
  const sp = join(dir, 'summary.json');
  if (!existsSync(sp)) throw new CliError(`${dir}: no summary.json (is it a run directory of 'paretonas search'?)`);
  const summary = JSON.parse(readFileSync(sp, 'utf8')) as Summary;
  const evaluations: number[][] = [];
  const jp = join(dir, 'trials.jsonl');
  if (existsSync(jp)) {
    for (const ev of parseJournal(readFileSync(jp, 'utf8'), jp).events) {
      if (ev.type === 'tell' && ev.state === 'complete' && ev.values) evaluations.push(ev.values);
    }
  }
  return { dir, name: `${summary.method}${summary.seed !== undefined ? ' seed ' + summary.seed : ''}`, summary, evaluations };
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(6);
}

export async function reportCommand(argv: string[]): Promise<number> {
  const args = parseArgs('report', argv, OPTIONS);
  if (flag(args, 'help')) {
    process.stdout.write(REPORT_HELP + '\n');
    return 0;
  }
  if (args.positionals.length === 0) throw new CliError('give at least one run directory', 2);
  const runs = args.positionals.map(loadRun);
  const names = runs[0].summary.objectives;
  const lines: string[] = [];
  for (const r of runs) {
    const s = r.summary;
    lines.push(`${r.dir}: ${s.method} on ${s.problem ?? '?'} (seed ${s.seed})`);
    lines.push(`  evaluations ${s.evaluations} (${s.complete} complete, ${s.failed} failed), ${fmt(s.elapsedSeconds)} s`);
    lines.push(`  hypervolume ${fmt(s.hypervolume)} w.r.t. reference point (${s.referencePoint.map(fmt).join(', ')}), ${s.objectives.map((o, k) => `${o} ${s.directions[k] === 'maximize' ? 'max' : 'min'}`).join(', ')}`);
    lines.push(`  Pareto front: ${s.front.length} trial(s)`);
    const shown = [...s.front].sort((a, b) => a.objectives[0] - b.objectives[0]).slice(0, 10);
    for (const p of shown) lines.push(`    #${p.number}  ${s.objectives.map((o, k) => `${o}=${fmt(p.objectives[k])}`).join('  ')}${p.budget !== undefined ? `  budget=${p.budget}` : ''}`);
    if (s.front.length > shown.length) lines.push(`    ... ${s.front.length - shown.length} more`);
  }
  if (runs.length > 1) {
    lines.push('', 'run | method | seed | evaluations | hypervolume', '---|---|---|---|---');
    for (const r of runs) lines.push(`${r.dir} | ${r.summary.method} | ${r.summary.seed} | ${r.summary.evaluations} | ${fmt(r.summary.hypervolume)}`);
  }
  process.stdout.write(lines.join('\n') + '\n');

  const out = value(args, 'out') ?? runs[0].dir;
  mkdirSync(out, { recursive: true });
  const frontSeries: Series[] = [];
  runs.forEach((r, i) => {
    if (names.length < 2) return;
    const color = PALETTE[i % PALETTE.length];
    frontSeries.push({ name: `${r.name}: evaluations`, kind: 'points', points: r.evaluations.map((v) => [v[0], v[1]]), color });
    const front = [...r.summary.front].map((p) => [p.objectives[0], p.objectives[1]] as [number, number]).sort((a, b) => a[0] - b[0]);
    frontSeries.push({ name: `${r.name}: Pareto front`, kind: 'step', points: front, color });
  });
  const extra = names.length > 2 ? ` (first 2 of ${names.length} objectives)` : '';
  const dirs = runs[0].summary.directions;
  writeFileSync(
    join(out, 'front.svg'),
    svgDocument([
      {
        title: `Evaluations and Pareto front${extra}`,
        xLabel: `${names[0]} (${dirs[0] === 'maximize' ? 'maximise' : 'minimise'})`,
        yLabel: `${names[1] ?? ''} (${dirs[1] === 'maximize' ? 'maximise' : 'minimise'})`,
        series: frontSeries,
      },
    ], 640, 480),
  );
  writeFileSync(
    join(out, 'hv.svg'),
    svgDocument([
      { title: 'Hypervolume over evaluations', xLabel: 'evaluations', yLabel: 'hypervolume', series: runs.map((r) => ({ name: r.name, kind: 'step', points: r.summary.hvHistory.map((h) => [h[0], h[2]] as [number, number]) })) },
      { title: 'Hypervolume over time', xLabel: 'seconds', yLabel: 'hypervolume', series: runs.map((r) => ({ name: r.name, kind: 'step', points: r.summary.hvHistory.map((h) => [h[1], h[2]] as [number, number]) })) },
    ]),
  );
  process.stdout.write(`wrote ${join(out, 'front.svg')} and ${join(out, 'hv.svg')}\n`);
  if (flag(args, 'html')) {
    const { collectReport } = await import('../report/collect.ts');
    const { reportHtml } = await import('../report/html.ts');
    const file = join(out, 'report.html');
    const html = reportHtml(collectReport(runs.map((r) => r.dir)));
    writeFileSync(file, html);
    process.stdout.write(`wrote ${file} (${(Buffer.byteLength(html) / 1024).toFixed(0)} KB; open it in a browser)\n`);
  }
  return 0;
}
