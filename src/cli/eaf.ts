import { eaf, eafDiff, eafPercentileLevel } from '../pareto/eaf.ts';
import { flag, optionHelp, parseArgs, value, type OptionSpec } from './args.ts';
import { commonDim, maximiseFlags, timed, timeLine } from './common.ts';
import { CliError } from './errors.ts';
import { formatRow } from './format.ts';
import { readInputs, type InputFile } from './input.ts';

const OPTIONS: OptionSpec[] = [
  { name: 'help', short: 'h', help: 'print this help and exit' },
  { name: 'verbose', short: 'v', help: "print moocore's summary (objectives, sets, points, levels) and the kernel time on standard error" },
  { name: 'quiet', short: 'q', help: 'print only the EAF (the default)' },
  { name: 'output', short: 'o', value: true, help: "write the output to FILE instead of standard output ('-': standard output)" },
  { name: 'best', short: 'b', help: 'compute the best attainment surface (level 1)' },
  { name: 'median', short: 'm', help: 'compute the median attainment surface (percentile 50)' },
  { name: 'worst', short: 'w', help: 'compute the worst attainment surface (level = number of sets)' },
  { name: 'percentile', short: 'p', value: true, repeat: true, help: 'compute the given percentile(s) of the EAF, e.g. "25,50,75"' },
  { name: 'level', short: 'l', value: true, repeat: true, help: 'compute the given level(s) of the EAF, e.g. "1 3"' },
  { name: 'obj', value: true, help: 'per objective, "+" to maximise or "-" to minimise, e.g. "+-" (-o is --output here, as in moocore)' },
  { name: 'maximise', help: 'maximise every objective' },
  { name: 'maximize', help: 'same as --maximise' },
  { name: 'eafdiff', help: 'print the rectangles where the EAFs of exactly two FILEs (A, B) differ, 2 objectives' },
];

export const EAF_HELP = `Usage: paretonas eaf [OPTIONS] [FILE...]
       paretonas eaf --eafdiff [OPTIONS] FILE_A FILE_B

Compute the empirical attainment function (EAF) of all the sets of all FILEs (standard input
for none or '-'), as moocore's 'eaf': each set is one run; with no level option, every level
1..number of sets is printed. Level k is the attainment surface of the points attained by at
least k sets; a percentile p is level ceil(n p / 100) of n sets (moocore's rounding). Each
level's points (2 or 3 objectives) are printed one per line, a blank line after each level;
2-D points in ascending first objective, 3-D points in ascending third, then first objective.

  -i[FILE], --indices[=FILE]  also print, per point, one 0/1 per set (1 = the set attains it):
                              no FILE: on the point's line after a tab; '-': standard output
  -d[FILE], --diff[=FILE]     also print, per point, how many sets of the first half and of the
                              second half of the sets attain it ("n1 n2"), placed as for -i

With --eafdiff: the EAF difference of the sets of FILE_A and of FILE_B as rectangles
"xmin ymin xmax ymax diff", diff = (fraction of A's sets attaining the rectangle) - (fraction of
B's), non-zero; the rectangles do not overlap, contain their lower edges but not their upper
ones (xmax, ymax may be inf) and are sorted by xmin, then ymin.

${optionHelp(OPTIONS)}`;

/** moocore's reading of a list argument: numbers separated by blanks, ',' or ';'. */
function parseList(option: string, text: string, integer: boolean): number[] {
  const tokens = text.split(/[\s,;]+/).filter((t) => t !== '');
  const re = integer ? /^[+-]?\d+$/ : /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
  if (tokens.length === 0 || tokens.some((t) => !re.test(t))) throw new CliError(`invalid argument to ${option} '${text}'`);
  return tokens.map(Number);
}

/**
 * Take -i/-d with their optional attached argument (-iFILE, --indices[=FILE]) out of argv, as
 * getopt_long does: FILE is null when absent (then the output's stream is used).
 */
function takeOptional(argv: string[]): { rest: string[]; indices?: string | null; diff?: string | null } {
  const rest: string[] = [];
  let indices: string | null | undefined;
  let diff: string | null | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    let m: RegExpMatchArray | null;
    if ((m = a.match(/^--indices(?:=(.*))?$/)) || (m = a.match(/^-i(.*)$/))) indices = m[1] === undefined || m[1] === '' ? null : m[1];
    else if ((m = a.match(/^--diff(?:=(.*))?$/)) || (m = a.match(/^-d(.*)$/))) diff = m[1] === undefined || m[1] === '' ? null : m[1];
    else rest.push(a);
  }
  return { rest, indices, diff };
}

/** Every set of every file, as one point array with a run index per point. */
function collect(files: InputFile[], d: number): { points: Float64Array; runs: Int32Array; nRuns: number } {
  let n = 0, nRuns = 0;
  for (const f of files) for (const s of f.sets) n += s.lines.length;
  const points = new Float64Array(n * d);
  const runs = new Int32Array(n);
  let at = 0;
  for (const f of files) {
    for (const s of f.sets) {
      points.set(s.points, at * d);
      runs.fill(nRuns, at, at + s.lines.length);
      at += s.lines.length;
      nRuns++;
    }
  }
  return { points, runs, nRuns };
}

/** Output streams by name ('-' is standard output), written when the command ends. */
class Streams {
  private readonly text = new Map<string, string[]>();
  put(name: string, s: string): void {
    let parts = this.text.get(name);
    if (!parts) this.text.set(name, (parts = []));
    parts.push(s);
  }
  open(name: string): void {
    if (!this.text.has(name)) this.text.set(name, []);
  }
  async flush(): Promise<void> {
    const fs = await import('node:fs/promises');
    for (const [name, parts] of this.text) {
      if (name === '-') process.stdout.write(parts.join(''));
      else {
        try {
          await fs.writeFile(name, parts.join(''));
        } catch (err) {
          throw new CliError(`${name}: ${(err as Error).message}`);
        }
      }
    }
  }
}

export async function eafCommand(argv: string[]): Promise<number> {
  const { rest, indices, diff } = takeOptional(argv);
  const args = parseArgs('eaf', rest, OPTIONS);
  if (flag(args, 'help')) {
    process.stdout.write(EAF_HELP + '\n');
    return 0;
  }
  const verbose = flag(args, 'verbose') && !flag(args, 'quiet');
  const outName = value(args, 'output') ?? '-';
  if (flag(args, 'eafdiff')) return eafDiffMode(args, outName, verbose);

  const files = await readInputs(args.positionals);
  const d = commonDim(files);
  if (d !== 2 && d !== 3) throw new CliError(`this implementation only supports two or three dimensions (the input has ${d})`);
  const maximise = maximiseFlags(args, d);
  const { points, runs, nRuns } = collect(files, d);

  let levels: number[];
  if (flag(args, 'best')) levels = [1];
  else if (flag(args, 'median')) levels = [eafPercentileLevel(50, nRuns)];
  else if (flag(args, 'worst')) levels = [nRuns];
  else if (args.options.has('percentile')) {
    const ps = args.options.get('percentile')!.flatMap((t) => parseList('--percentile', t, false));
    for (const p of ps) {
      if (p <= 0) throw new CliError('arg to --percentile must be higher than 0');
      if (p > 100) throw new CliError('arg to --percentile must be <= 100');
    }
    levels = ps.map((p) => eafPercentileLevel(p, nRuns));
  } else if (args.options.has('level')) {
    levels = args.options.get('level')!.flatMap((t) => parseList('--level', t, true));
    for (const k of levels) {
      if (k <= 0) throw new CliError('arg to --level must be higher than 0');
      if (k > nRuns) throw new CliError(`arg to --level must not be higher than number of approximation sets (${nRuns})`);
    }
  } else levels = Array.from({ length: nRuns }, (_, k) => k + 1);

  if (verbose) {
    process.stderr.write(
      `# objectives (${d}): --\n# sets: ${nRuns}\n# points: ${runs.length}\n# calculating levels: ${levels.join(' ')}\n`,
    );
  }
  const withFlags = indices !== undefined || diff !== undefined;
  const [surfaces, seconds] = timed(() => eaf(points, d, runs, { levels, maximise, attained: withFlags }));
  if (verbose) process.stderr.write(timeLine(seconds) + '\n');

  // Streams as moocore resolves them: no FILE means the output's, '-' standard output.
  const coord = outName;
  const indic = indices === undefined ? undefined : indices ?? coord;
  const diffTo = diff === undefined ? undefined : diff ?? coord;
  const io = new Streams();
  io.open(coord);
  const half = Math.floor(nRuns / 2);
  for (const s of surfaces) {
    const m = s.points.length / d;
    for (let i = 0; i < m; i++) {
      io.put(coord, formatRow(s.points, i * d, d) + (coord === indic || coord === diffTo ? '\t' : '\n'));
      const f = s.attained?.subarray(i * nRuns, (i + 1) * nRuns);
      if (indic !== undefined) io.put(indic, Array.from(f!).join(' ') + (indic === diffTo ? '\t' : '\n'));
      if (diffTo !== undefined) {
        let left = 0, right = 0;
        for (let r = 0; r < nRuns; r++) if (f![r]) r < half ? left++ : right++;
        io.put(diffTo, `${left} ${right}\n`);
      }
    }
    io.put(coord, '\n');
  }
  await io.flush();
  return 0;
}

async function eafDiffMode(args: ReturnType<typeof parseArgs>, outName: string, verbose: boolean): Promise<number> {
  if (args.positionals.length !== 2) {
    throw new CliError(`--eafdiff needs exactly two FILEs (A and B), got ${args.positionals.length}`);
  }
  const files = await readInputs(args.positionals);
  const d = commonDim(files);
  if (d !== 2) throw new CliError(`--eafdiff supports two objectives only (the input has ${d})`);
  const maximise = maximiseFlags(args, d);
  const A = collect([files[0]], d), B = collect([files[1]], d);
  if (verbose) {
    process.stderr.write(`# objectives (${d}): --\n# sets: ${A.nRuns} (A) ${B.nRuns} (B)\n# points: ${A.runs.length} (A) ${B.runs.length} (B)\n`);
  }
  const [rects, seconds] = timed(() => eafDiff(A.points, A.runs, B.points, B.runs, d, { maximise }));
  if (verbose) process.stderr.write(timeLine(seconds) + '\n');
  const io = new Streams();
  io.open(outName);
  for (let k = 0; k < rects.length; k += 5) io.put(outName, formatRow(rects, k, 5) + '\n');
  await io.flush();
  return 0;
}
