import { ndsort } from '../pareto/ndsort.ts';
import { flag, optionHelp, parseArgs, type OptionSpec } from './args.ts';
import { COMMON_OPTIONS, maximiseFlags, OBJECTIVE_OPTIONS, Output, timed, timeLine } from './common.ts';
import { readInputs, unionOf } from './input.ts';

const OPTIONS: OptionSpec[] = [...COMMON_OPTIONS, ...OBJECTIVE_OPTIONS];

export const NDSORT_HELP = `Usage: paretonas ndsort [OPTIONS] [FILE...]

Print the 0-based Pareto rank of each point of each FILE, one per line (0 = non-dominated;
duplicates share a rank). All sets of a file are ranked together, as moocore's 'ndsort -r'.

${optionHelp(OPTIONS)}`;

export async function ndsortCommand(argv: string[]): Promise<number> {
  const args = parseArgs('ndsort', argv, OPTIONS);
  if (flag(args, 'help')) {
    process.stdout.write(NDSORT_HELP + '\n');
    return 0;
  }
  const files = await readInputs(args.positionals);
  const verbose = flag(args, 'verbose') && !flag(args, 'quiet');
  const out = new Output();
  for (const file of files) {
    const set = unionOf(file);
    const maximise = maximiseFlags(args, file.d);
    if (verbose) out.line(`# file: ${file.name}\n# points: ${set.lines.length}`);
    const [ranks, s] = timed(() => ndsort(set.points, file.d, { maximise }));
    for (const r of ranks) out.line(String(r));
    if (verbose) out.line(timeLine(s));
  }
  out.flush();
  return 0;
}
