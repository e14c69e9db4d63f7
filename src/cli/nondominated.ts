import { isNonDominated } from '../pareto/nonDominated.ts';
import { flag, optionHelp, parseArgs, type OptionSpec } from './args.ts';
import { COMMON_OPTIONS, maximiseFlags, OBJECTIVE_OPTIONS, Output, timed, timeLine } from './common.ts';
import { formatRow } from './format.ts';
import { readInputs, unionOf } from './input.ts';

const OPTIONS: OptionSpec[] = [
  ...COMMON_OPTIONS,
  { name: 'union', short: 'U', help: 'treat all sets of a file as one set' },
  { name: 'keep-duplicates', help: 'print every copy of a repeated non-dominated point (default: the first only)' },
  ...OBJECTIVE_OPTIONS,
];

export const NONDOMINATED_HELP = `Usage: paretonas nondominated [OPTIONS] [FILE...]

Print the non-dominated points of each set, in input order, a blank line between sets
(as moocore's 'nondominated --filter', which keeps one copy of repeated points).

${optionHelp(OPTIONS)}`;

export async function nondominatedCommand(argv: string[]): Promise<number> {
  const args = parseArgs('nondominated', argv, OPTIONS);
  if (flag(args, 'help')) {
    process.stdout.write(NONDOMINATED_HELP + '\n');
    return 0;
  }
  const files = await readInputs(args.positionals);
  const verbose = flag(args, 'verbose') && !flag(args, 'quiet');
  const keepDuplicates = flag(args, 'keep-duplicates');
  const out = new Output();
  for (const file of files) {
    const d = file.d;
    const maximise = maximiseFlags(args, d);
    if (verbose) out.line(`# file: ${file.name}`);
    const sets = flag(args, 'union') ? [unionOf(file)] : file.sets;
    sets.forEach((set, si) => {
      if (si > 0) out.line();
      const [keep, s] = timed(() => isNonDominated(set.points, d, { maximise, keepDuplicates }));
      for (let i = 0; i < keep.length; i++) if (keep[i]) out.line(formatRow(set.points, i * d, d));
      if (verbose) out.line(timeLine(s));
    });
  }
  out.flush();
  return 0;
}
