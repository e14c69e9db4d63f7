import { hypervolume } from '../pareto/hypervolume.ts';
import { flag, optionHelp, parseArgs, value, type OptionSpec } from './args.ts';
import { bounds, COMMON_OPTIONS, commonDim, maximiseFlags, OBJECTIVE_OPTIONS, Output, timed, timeLine, warn } from './common.ts';
import { CliError } from './errors.ts';
import { formatCell, formatRow } from './format.ts';
import { parsePoint, readInputs, unionOf } from './input.ts';

const OPTIONS: OptionSpec[] = [
  ...COMMON_OPTIONS,
  { name: 'reference', short: 'r', value: true, help: 'reference point, e.g. "10 10" (default: max + 0.1 (max - min) of all points)' },
  { name: 'union', short: 'u', help: 'treat all sets of a file as one set' },
  ...OBJECTIVE_OPTIONS,
];

export const HV_HELP = `Usage: paretonas hv [-r "R1 R2 ..."] [OPTIONS] [FILE...]

Print the exact hypervolume of each set of each FILE (standard input for none or '-').
Sets are separated by blank lines; points that do not strictly dominate the reference point
are ignored (a warning says so).

${optionHelp(OPTIONS)}`;

export async function hvCommand(argv: string[]): Promise<number> {
  const args = parseArgs('hv', argv, OPTIONS);
  if (flag(args, 'help')) {
    process.stdout.write(HV_HELP + '\n');
    return 0;
  }
  const files = await readInputs(args.positionals);
  const d = commonDim(files);
  const maximise = maximiseFlags(args, d);
  const sets = files.map((f) => (flag(args, 'union') ? [unionOf(f)] : f.sets));
  let ref: number[];
  const refText = value(args, 'reference');
  if (refText !== undefined) {
    ref = parsePoint('-r/--reference', refText);
    if (ref.length !== d) throw new CliError(`-r/--reference has ${ref.length} values but the input has ${d} objectives`);
  } else {
    const { min, max } = bounds(sets.flat(), d);
    ref = max.map((hi, k) => (maximise?.[k] ? min[k] - 0.1 * (hi - min[k]) : hi + 0.1 * (hi - min[k])));
  }
  const verbose = flag(args, 'verbose') && !flag(args, 'quiet');
  const out = new Output();
  files.forEach((file, fi) => {
    if (verbose) {
      out.line(`# file: ${file.name}`);
      out.line(`# reference: ${formatRow(ref)}`);
    }
    for (const set of sets[fi]) {
      const sign = (k: number) => (maximise?.[k] ? -1 : 1);
      let outside = 0;
      for (let i = 0; i < set.lines.length; i++) {
        for (let k = 0; k < d; k++) {
          if (sign(k) * set.points[i * d + k] >= sign(k) * ref[k]) {
            outside++;
            break;
          }
        }
      }
      if (outside > 0) warn('hv', `${file.name}: ${outside} point(s) do not strictly dominate the reference point and are ignored`);
      const [v, s] = timed(() => hypervolume(set.points, d, ref, { maximise }));
      out.line(formatCell(v));
      if (verbose) out.line(timeLine(s));
    }
  });
  out.flush();
  return 0;
}
