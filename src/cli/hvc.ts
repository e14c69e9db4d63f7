import { hvContributions } from '../pareto/hvContributions.ts';
import { flag, optionHelp, parseArgs, value, type OptionSpec } from './args.ts';
import { COMMON_OPTIONS, commonDim, maximiseFlags, OBJECTIVE_OPTIONS, Output, timed, timeLine } from './common.ts';
import { CliError } from './errors.ts';
import { formatCell } from './format.ts';
import { parsePoint, readInputs } from './input.ts';

const OPTIONS: OptionSpec[] = [
  ...COMMON_OPTIONS,
  { name: 'reference', short: 'r', value: true, help: 'reference point, e.g. "10 10" (required)' },
  ...OBJECTIVE_OPTIONS,
];

export const HVC_HELP = `Usage: paretonas hvc -r "R1 R2 ..." [OPTIONS] [FILE...]

Print the exclusive hypervolume contribution of each point, one per line, a blank line
between sets (as moocore's 'hv --contributions'). Weakly dominated points, duplicates and
points that do not strictly dominate the reference point contribute 0.

${optionHelp(OPTIONS)}`;

export async function hvcCommand(argv: string[]): Promise<number> {
  const args = parseArgs('hvc', argv, OPTIONS);
  if (flag(args, 'help')) {
    process.stdout.write(HVC_HELP + '\n');
    return 0;
  }
  const refText = value(args, 'reference');
  if (refText === undefined) throw new CliError('a reference point is required: -r "R1 R2 ..."', 2);
  const files = await readInputs(args.positionals);
  const d = commonDim(files);
  const ref = parsePoint('-r/--reference', refText);
  if (ref.length !== d) throw new CliError(`-r/--reference has ${ref.length} values but the input has ${d} objectives`);
  const maximise = maximiseFlags(args, d);
  const verbose = flag(args, 'verbose') && !flag(args, 'quiet');
  const out = new Output();
  for (const file of files) {
    if (verbose) out.line(`# file: ${file.name}`);
    for (const set of file.sets) {
      const [c, s] = timed(() => hvContributions(set.points, d, ref, { maximise }));
      for (const v of c) out.line(formatCell(v));
      if (verbose) out.line(timeLine(s));
      out.line();
    }
  }
  out.flush();
  return 0;
}
