import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { formatBench, formatCompare } from '../bench/format.ts';
import { runBench, suiteNames } from '../bench/run.ts';
import { validateBenchFile, type BenchFile } from '../bench/schema.ts';
import { SUITES } from '../bench/suites/index.ts';
import { flag, optionHelp, parseArgs, value, type OptionSpec } from './args.ts';
import { CliError } from './errors.ts';

const OPTIONS: OptionSpec[] = [
  { name: 'help', short: 'h', help: 'print this help and exit' },
  { name: 'quick', help: 'small shapes and few runs: a smoke run in well under a minute' },
  { name: 'json', value: true, help: "print the results as JSON (schema 'paretonas-bench/1'), or write them to FILE (--json FILE)" },
  { name: 'moocore', value: true, help: "DIR: moocore's built tools (its bin/), timed side by side; its C sources beside it time its ndsort too" },
  { name: 'moocore-source', value: true, help: "DIR: moocore's C sources, where they are not beside --moocore" },
  { name: 'python', value: true, help: 'PATH: a Python with scikit-learn (and PyTorch for the training suites), timed side by side' },
  { name: 'software-gpu', help: 'time the WebGPU kernels on a software adapter too (skipped there by default)' },
  { name: 'compare', help: 'A.json B.json: print how many times faster B is than A, case by case (no run)' },
];

function help(): string {
  return `Usage: paretonas bench [SUITE...] [--quick] [--json [FILE]] [--moocore DIR] [--python PATH]
       paretonas bench --compare A.json B.json

Time the kernels on this machine: each result is checked (against the pure-TypeScript twins and
the anchors) before it is timed, the first call is timed apart from the median and 90th
percentile of the warm ones, and anchors given on the command line run side by side in the same
run. Progress goes to standard error; without --json the results print as Markdown tables.

Suites (default: all, in this order):
${SUITES.map((s) => `  ${s.name.padEnd(14)} ${s.description}`).join('\n')}

${optionHelp(OPTIONS)}

The JSON schema is documented in the README (section Benchmarks).`;
}

/**
 * `--json` takes an optional FILE: the next word is the file unless it is an option or a suite
 * name. The parser knows options with a value only, so a bare --json becomes --json=- (stdout).
 */
function optionalJsonValue(argv: readonly string[]): string[] {
  const names = new Set(suiteNames());
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (a === '--json') {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('-') && !names.has(next)) {
        out.push(`--json=${next}`);
        i++;
      } else out.push('--json=-');
      continue;
    }
    out.push(a);
  }
  return out;
}

function readResultFile(path: string, option: string): BenchFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(`${option}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${option}: ${path} is not JSON: ${(err as Error).message}`);
  }
  try {
    return validateBenchFile(json, path);
  } catch (err) {
    throw new CliError(`${option}: ${(err as Error).message}`);
  }
}

function packageVersion(): string {
  // src/cli/ and dist/cli/ are both two levels below the package root
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function benchCommand(argv: string[]): Promise<number> {
  const args = parseArgs('bench', optionalJsonValue(argv), OPTIONS);
  if (flag(args, 'help')) {
    process.stdout.write(help() + '\n');
    return 0;
  }
  if (flag(args, 'compare')) {
    const others = ['quick', 'json', 'moocore', 'moocore-source', 'python', 'software-gpu'].filter((o) => flag(args, o));
    if (others.length) throw new CliError(`--compare reads two result files and runs nothing: drop --${others.join(', --')}`, 2);
    if (args.positionals.length !== 2) throw new CliError(`--compare needs two result files (A.json B.json), got ${args.positionals.length}`, 2);
    const [pa, pb] = args.positionals;
    const a = readResultFile(pa, '--compare A'), b = readResultFile(pb, '--compare B');
    process.stdout.write(formatCompare(a, b, pa, pb) + '\n');
    return 0;
  }
  const known = suiteNames();
  for (const s of args.positionals) {
    if (!known.includes(s)) throw new CliError(`unknown suite '${s}' (suites: ${known.join(', ')})`, 2);
  }
  const moocore = value(args, 'moocore'), moocoreSource = value(args, 'moocore-source');
  for (const [opt, dir] of [['--moocore', moocore], ['--moocore-source', moocoreSource]] as const) {
    if (dir !== undefined && !(existsSync(dir) && statSync(dir).isDirectory())) throw new CliError(`${opt}: ${dir} is not a directory`, 2);
  }
  const python = value(args, 'python');
  if (python === '') throw new CliError('--python needs a path to a Python interpreter', 2);
  const json = value(args, 'json');
  let file: BenchFile;
  try {
    file = await runBench({
      suites: args.positionals, quick: flag(args, 'quick'), moocore, moocoreSource, python, softwareGpu: flag(args, 'software-gpu'),
      version: packageVersion(), log: (m) => process.stderr.write(`paretonas bench: ${m}\n`),
    });
  } catch (err) {
    // a failed correctness check: the figures would be of a wrong answer, so there are none
    if (err instanceof Error && !(err instanceof RangeError || err instanceof TypeError)) throw new CliError(err.message);
    throw err;
  }
  const text = JSON.stringify(file, null, 2) + '\n';
  if (json === '-') process.stdout.write(text);
  else {
    if (json !== undefined) {
      try {
        writeFileSync(json, text);
      } catch (err) {
        throw new CliError(`--json: cannot write ${json}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    process.stdout.write(formatBench(file) + '\n');
  }
  return 0;
}
