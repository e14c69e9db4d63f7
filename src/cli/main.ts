import { CliError } from './errors.ts';

/**
 * The commands, each loaded when it runs: `paretonas hv` compiles the Pareto kernels alone, not
 * the surrogates, optimizers or training code the search commands need. `kernels: true` marks
 * the commands that time one kernel call (`-v`): see optimisingTier().
 */
const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; summary: string; kernels?: boolean }> = {
  hv: { run: async (a) => (await import('./hv.ts')).hvCommand(a), summary: 'hypervolume of each set', kernels: true },
  hvapprox: { run: async (a) => (await import('./hvapprox.ts')).hvapproxCommand(a), summary: 'approximate hypervolume of each set (many objectives)', kernels: true },
  dominatedsets: { run: async (a) => (await import('./dominatedsets.ts')).dominatedsetsCommand(a), summary: 'how often the sets of one file are better than those of another', kernels: true },
  hvc: { run: async (a) => (await import('./hvc.ts')).hvcCommand(a), summary: 'exclusive hypervolume contribution of each point', kernels: true },
  ndsort: { run: async (a) => (await import('./ndsort.ts')).ndsortCommand(a), summary: 'Pareto rank of each point', kernels: true },
  nondominated: { run: async (a) => (await import('./nondominated.ts')).nondominatedCommand(a), summary: 'the non-dominated points of each set', kernels: true },
  igd: { run: async (a) => (await import('./indicator.ts')).indicatorCommand('igd', a), summary: 'inverted generational distance against a reference set', kernels: true },
  igdplus: { run: async (a) => (await import('./indicator.ts')).indicatorCommand('igdplus', a), summary: 'IGD+ against a reference set', kernels: true },
  epsilon: { run: async (a) => (await import('./indicator.ts')).indicatorCommand('epsilon', a), summary: 'additive epsilon indicator against a reference set', kernels: true },
  eaf: { run: async (a) => (await import('./eaf.ts')).eafCommand(a), summary: 'empirical attainment function (attainment surfaces) of the sets, 2 or 3 objectives', kernels: true },
  search: { run: async (a) => (await import('./search.ts')).searchCommand(a), summary: 'run a multi-objective search (journalled, resumable)' },
  report: { run: async (a) => (await import('./report.ts')).reportCommand(a), summary: 'summarise runs and plot their fronts and hypervolume' },
  dashboard: { run: async (a) => (await import('./dashboard.ts')).dashboardCommand(a), summary: 'a local web page of the studies in a directory or on Redis, updated as trials finish' },
  experiment: { run: async (a) => (await import('./experiment.ts')).experimentCommand(a), summary: 'methods x seeds on one problem, same budget each, compared (resumable)' },
  worker: { run: async (a) => (await import('./worker.ts')).workerCommand(a), summary: 'evaluate the trials searches hand to a Redis queue (search --queue)' },
  export: { run: async (a) => (await import('./export.ts')).exportCommand(a), summary: "copy a study's events between a journal file and Redis" },
  train: { run: async (a) => (await import('./train.ts')).trainCommand(a), summary: 'train and evaluate the CNN of one configuration on WebGPU' },
  // not a kernel command: the suites time the first call apart, in the tiers an embedder gets
  bench: { run: async (a) => (await import('./bench.ts')).benchCommand(a), summary: 'time the kernels on this machine, anchors (moocore, scikit-learn, PyTorch) side by side' },
};

/**
 * Have V8 compile WebAssembly with its optimising tier (TurboFan) when a module is instantiated,
 * instead of its baseline tier (Liftoff) followed by lazy, per-function tier-up. A command that
 * makes one long kernel call would otherwise run most of it in baseline code, about twice as
 * slow; the eager compile of the 26 KB Pareto module costs a few milliseconds before the kernel
 * starts. V8 reads these flags when it compiles, so they must be set before the first import
 * of a kernel module.
 */
async function optimisingTier(): Promise<void> {
  const v8 = await import('node:v8');
  v8.setFlagsFromString('--no-liftoff');
  v8.setFlagsFromString('--no-wasm-lazy-compilation');
}

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
    if (command.kernels) await optimisingTier();
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
