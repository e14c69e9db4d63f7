import { dominatedSets, firstDominatedPoint } from '../pareto/dominatedSets.ts';
import { flag, optionHelp, parseArgs, value, type OptionSpec } from './args.ts';
import { commonDim, Output } from './common.ts';
import { CliError } from './errors.ts';
import { readInputs } from './input.ts';

const OPTIONS: OptionSpec[] = [
  { name: 'help', short: 'h', help: 'print this help and exit' },
  { name: 'verbose', short: 'v', help: 'accepted for compatibility with moocore (prints nothing more)' },
  { name: 'quiet', short: 'q', help: 'accepted for compatibility with moocore' },
  { name: 'percentages', short: 'p', help: 'also print the results as percentages' },
  { name: 'no-check', help: 'do not check that each set is non-dominated (faster, but sets with dominated points compare as given)' },
  { name: 'obj', short: 'o', value: true, help: 'per objective, "-" to minimise, "+" to maximise, "i" (or "0") to ignore, e.g. "-+i"' },
  { name: 'maximise', help: 'maximise every objective' },
  { name: 'maximize', help: 'same as --maximise' },
];

export const DOMINATEDSETS_HELP = `Usage: paretonas dominatedsets [OPTIONS] FILE FILE...

For every two FILEs, count in how many pairs of one set from each the set of the first is better
than the set of the second (it weakly dominates it and is not weakly dominated by it), as
moocore's dominatedsets; also each file's rank: how often its sets are beaten. The files are
named f1, f2, ... in the tables. Each set must be non-dominated unless --no-check.

${optionHelp(OPTIONS)}`;

/** C's printf("%.1f") for a non-negative value: ties (x = m / 4, m odd) round to even. */
function fixed1(x: number): string {
  const t = x * 10;
  if (t - Math.floor(t) === 0.5) {
    const lo = Math.floor(t);
    const r = lo % 2 === 0 ? lo : lo + 1;
    return (r / 10).toFixed(1);
  }
  return x.toFixed(1);
}

/** moocore's table: a header of names, then one row per name; cells right-aligned to `width`. */
function table(out: Output, names: string[], cell: (k: number, j: number) => string, width: number): void {
  const nameWidth = Math.max(...names.map((s) => s.length));
  out.line();
  let line = ' '.repeat(nameWidth) + names.map((s) => ' ' + s.padStart(width)).join('');
  for (let k = 0; k < names.length; k++) {
    out.line(line);
    line = names[k].padStart(nameWidth) + names.map((_, j) => ' ' + (k === j ? '--' : cell(k, j)).padStart(width)).join('');
  }
  out.line(line);
}

export async function dominatedsetsCommand(argv: string[]): Promise<number> {
  const args = parseArgs('dominatedsets', argv, OPTIONS);
  if (flag(args, 'help')) {
    process.stdout.write(DOMINATEDSETS_HELP + '\n');
    return 0;
  }
  if (args.positionals.length < 2) throw new CliError('at least two input files are required');
  const files = await readInputs(args.positionals);
  const d = commonDim(files);
  const objText = value(args, 'obj');
  const all = flag(args, 'maximise') || flag(args, 'maximize');
  let objs: string[];
  if (objText === undefined) {
    objs = new Array<string>(d).fill(all ? '+' : '-');
  } else {
    if (!/^[-+i0]+$/.test(objText)) throw new CliError(`invalid argument '${objText}' for -o/--obj, it should be a sequence of '+', '-' or 'i'`);
    if (objText.length !== d) throw new CliError(`-o/--obj gives ${objText.length} objectives but the input has ${d}`);
    objs = Array.from(objText, (c) => (c === '0' || c === 'i' ? 'i' : c === '+' || all ? '+' : '-'));
  }
  const used = objs.flatMap((c, k) => (c === 'i' ? [] : [k]));
  if (used.length === 0) throw new CliError(`all objectives are ignored by -o/--obj '${objText}'`);
  const maximise = used.map((k) => objs[k] === '+');
  const du = used.length;
  const groups = files.map((f) =>
    f.sets.map((s) => {
      if (du === d) return s.points;
      const p = new Float64Array(s.lines.length * du);
      for (let i = 0; i < s.lines.length; i++) used.forEach((k, c) => (p[i * du + c] = s.points[i * d + k]));
      return p;
    }),
  );

  const names = files.map((_, k) => `f${k + 1}`);
  const out = new Output();
  files.forEach((_, k) => out.line(`# ${names[k]}: ${args.positionals[k]}`));
  out.line();
  files.forEach((f, k) => {
    let cum = 0;
    const sizes = f.sets.map((s) => (cum += s.lines.length));
    out.line(`# ${names[k]}: ${f.sets.length} (${sizes.join(', ')})`);
  });
  out.line(`# objectives (${d}): ${objs.join('')}`);
  out.flush();

  if (!flag(args, 'no-check')) {
    let failed = false;
    groups.forEach((sets, k) =>
      sets.forEach((p, si) => {
        const at = firstDominatedPoint(p, du, { maximise });
        if (at >= 0) {
          process.stderr.write(`paretonas dominatedsets: ${names[k]}: set ${si}: point ${at} is dominated.\n`);
          failed = true;
        }
      }),
    );
    if (failed) throw new CliError('input must be a collection of nondominated sets');
  }

  const r = dominatedSets(groups, du, { maximise, check: false });
  const m = files.length;
  let top = 0;
  for (let k = 0; k < m; k++) for (let j = 0; j < m; j++) if (k !== j) top = Math.max(top, r.better[k][j]);
  const width = Math.max(...names.map((s) => s.length), String(top).length);
  out.line();
  out.line();
  out.line('Number of times that <row> is better than <column>:');
  table(out, names, (k, j) => String(r.better[k][j]), width);
  if (flag(args, 'percentages')) {
    out.line();
    out.line();
    out.line('Percentage of times that <row> is better than <column>:');
    table(out, names, (k, j) => fixed1(r.percent[k][j]), Math.max(width, 5));
  } else {
    out.line();
  }
  out.line();
  out.line('Ranks:' + r.ranks.map((x) => ' ' + String(x).padStart(3)).join(''));
  out.flush();
  return 0;
}
