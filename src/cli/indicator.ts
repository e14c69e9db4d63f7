import { epsilonAdditive, igd, igdPlus } from '../pareto/indicators.ts';
import { isNonDominated } from '../pareto/nonDominated.ts';
import { flag, optionHelp, parseArgs, value, type OptionSpec } from './args.ts';
import { COMMON_OPTIONS, commonDim, maximiseFlags, OBJECTIVE_OPTIONS, Output, timed, timeLine } from './common.ts';
import { CliError } from './errors.ts';
import { formatCell } from './format.ts';
import { readInputs, unionOf } from './input.ts';

const OPTIONS: OptionSpec[] = [
  ...COMMON_OPTIONS,
  { name: 'reference-set', value: true, help: 'FILE with the reference set (all its sets taken together)' },
  { name: 'reference', short: 'r', value: true, help: 'same as --reference-set (moocore spelling)' },
  { name: 'no-check', help: 'do not remove dominated points from the reference set' },
  ...OBJECTIVE_OPTIONS,
];

const KINDS = {
  igd: { fn: igd, what: 'the inverted generational distance IGD (mean over the reference set of the distance to the nearest point)' },
  igdplus: { fn: igdPlus, what: 'IGD+ (Ishibuchi et al. 2015)' },
  epsilon: { fn: epsilonAdditive, what: 'the additive epsilon indicator' },
} as const;

export type IndicatorCommand = keyof typeof KINDS;

export function indicatorHelp(cmd: IndicatorCommand): string {
  return `Usage: paretonas ${cmd} --reference-set FILE [OPTIONS] [FILE...]

Print ${KINDS[cmd].what} of each set of each FILE against the reference set.
As in moocore, dominated points of the reference set are removed first (see --no-check).

${optionHelp(OPTIONS)}`;
}

export async function indicatorCommand(cmd: IndicatorCommand, argv: string[]): Promise<number> {
  const args = parseArgs(cmd, argv, OPTIONS);
  if (flag(args, 'help')) {
    process.stdout.write(indicatorHelp(cmd) + '\n');
    return 0;
  }
  const refFile = value(args, 'reference-set') ?? value(args, 'reference');
  if (refFile === undefined) throw new CliError('a reference set is required: --reference-set FILE', 2);
  const [refInput] = await readInputs([refFile]);
  const files = await readInputs(args.positionals);
  const d = commonDim([refInput, ...files]);
  const maximise = maximiseFlags(args, d);
  let refSet = unionOf(refInput).points;
  if (!flag(args, 'no-check')) {
    const keep = isNonDominated(refSet, d, { maximise, keepDuplicates: false });
    const rows: number[] = [];
    keep.forEach((k, i) => {
      if (k) for (let j = 0; j < d; j++) rows.push(refSet[i * d + j]);
    });
    refSet = Float64Array.from(rows);
  }
  const verbose = flag(args, 'verbose') && !flag(args, 'quiet');
  const out = new Output();
  for (const file of files) {
    if (verbose) out.line(`# file: ${file.name}`);
    for (const set of file.sets) {
      const [v, s] = timed(() => KINDS[cmd].fn(set.points, refSet, d, { maximise }));
      out.line(formatCell(v));
      if (verbose) out.line(timeLine(s));
    }
  }
  out.flush();
  return 0;
}
