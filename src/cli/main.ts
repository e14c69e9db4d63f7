import { CliError } from './errors.ts';
import { exportCommand } from './export.ts';
import { workerCommand } from './worker.ts';
import { hvCommand } from './hv.ts';
import { hvcCommand } from './hvc.ts';
import { indicatorCommand } from './indicator.ts';
import { ndsortCommand } from './ndsort.ts';
import { nondominatedCommand } from './nondominated.ts';
import { reportCommand } from './report.ts';
import { searchCommand } from './search.ts';
import { trainCommand } from './train.ts';

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; summary: string }> = {
  hv: { run: hvCommand, summary: 'hypervolume of each set' },
  hvc: { run: hvcCommand, summary: 'exclusive hypervolume contribution of each point' },
  ndsort: { run: ndsortCommand, summary: 'Pareto rank of each point' },
  nondominated: { run: nondominatedCommand, summary: 'the non-dominated points of each set' },
  igd: { run: (a) => indicatorCommand('igd', a), summary: 'inverted generational distance against a reference set' },
  igdplus: { run: (a) => indicatorCommand('igdplus', a), summary: 'IGD+ against a reference set' },
  epsilon: { run: (a) => indicatorCommand('epsilon', a), summary: 'additive epsilon indicator against a reference set' },
  search: { run: searchCommand, summary: 'run a multi-objective search (journalled, resumable)' },
  report: { run: reportCommand, summary: 'summarise runs and plot their fronts and hypervolume' },
  worker: { run: workerCommand, summary: 'evaluate the trials searches hand to a Redis queue (search --queue)' },
  export: { run: exportCommand, summary: "copy a study's events between a journal file and Redis" },
  train: { run: trainCommand, summary: 'train and evaluate the CNN of one configuration on WebGPU' },
};

export const USAGE = `Usage: paretonas <command> [OPTIONS] [FILE...]

Commands:
${Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(14)} ${v.summary}`).join('\n')}

Input (as moocore's tools): whitespace-separated numbers, one point per line, blank lines
between sets, '#' comment lines, '-' or no FILE for standard input.
Run 'paretonas <command> --help' for a command's options.`;

/** Run the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(USAGE + '\n');
    return cmd === undefined ? 2 : 0;
  }
  const command = COMMANDS[cmd];
  if (!command) {
    process.stderr.write(`paretonas: unknown command '${cmd}'\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`paretonas ${cmd}: error: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof RangeError || err instanceof TypeError || (err instanceof Error && err.name === 'DoesNotFitError')) {
      process.stderr.write(`paretonas ${cmd}: error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
