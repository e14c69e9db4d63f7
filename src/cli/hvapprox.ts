import { hvApprox, HV_APPROX_MAX_OBJECTIVES, HV_APPROX_METHODS, type HvApproxMethod } from '../pareto/hvApprox.ts';
import { flag, optionHelp, parseArgs, value, type OptionSpec } from './args.ts';
import { bounds, commonDim, maximiseFlags, OBJECTIVE_OPTIONS, Output, timed, timeLine, warn } from './common.ts';
import { CliError } from './errors.ts';
import { formatCell, formatG, formatRow } from './format.ts';
import { parsePoint, readInputs, unionOf, type PointSet } from './input.ts';

const OPTIONS: OptionSpec[] = [
  { name: 'help', short: 'h', help: 'print this help and exit' },
  { name: 'verbose', short: 'v', help: 'also print the method, bounds, reference, "# Time: <seconds> seconds" and (method 1) the standard error' },
  { name: 'quiet', short: 'q', help: 'print only the values; no "# FILE -> OUTPUT" note with --suffix' },
  { name: 'union', short: 'u', help: 'treat all sets of a file as one set' },
  { name: 'reference', short: 'r', value: true, help: 'reference point, e.g. "10 10 10" (default: max + 0.1 (max - min) of all points)' },
  { name: 'suffix', short: 's', value: true, help: 'write the values for FILE to FILE + SUFFIX (not for standard input)' },
  { name: 'nsamples', short: 'n', value: true, help: 'number of sample directions N (required), e.g. 262144' },
  { name: 'method', short: 'm', value: true, help: '1: Monte Carlo (DZ2019-MC); 2: Hua-Wang (DZ2019-HW); 3: Rphi-FWE+ (default)' },
  { name: 'seed', short: 'S', value: true, help: 'seed of the random generator, a positive integer (method 1 only; default: the time)' },
  ...OBJECTIVE_OPTIONS,
];

export const HVAPPROX_HELP = `Usage: paretonas hvapprox -n N [-m 1|2|3] [-r "R1 R2 ..."] [OPTIONS] [FILE...]

Print an approximation of the hypervolume of each set of each FILE (standard input for none or
'-'), the mean over N directions of Deng and Zhang's polar-coordinate estimator, as moocore's
hvapprox: method 1 samples the directions at random (-S seeds it; -v prints the standard error),
methods 2 and 3 are deterministic quasi-Monte Carlo point sets that give moocore's values. More
samples, more accurate. 2 to ${HV_APPROX_MAX_OBJECTIVES} objectives.

${optionHelp(OPTIONS)}`;

/** moocore's names of the methods, by number. */
const METHOD_LABEL = ['DZ2019-MC', 'DZ2019-HW', 'Rphi-FWE+'];

function parseMethod(text: string): HvApproxMethod {
  const byNumber = ['1', '2', '3'].indexOf(text);
  if (byNumber >= 0) return HV_APPROX_METHODS[byNumber];
  if ((HV_APPROX_METHODS as readonly string[]).includes(text)) return text as HvApproxMethod;
  throw new CliError(`valid values of -m/--method are 1, 2 or 3 (or ${HV_APPROX_METHODS.join(', ')}), not '${text}'`);
}

function positiveInt(what: string, text: string, max: number): number {
  if (!/^\+?\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > max) {
    throw new CliError(`value of ${what} must be a positive integer${max < Infinity ? ` <= ${max}` : ''}, got '${text}'`);
  }
  return Number(text);
}

/** Writes one file's values (to standard output, or FILE + SUFFIX). */
async function writeSuffixed(path: string, text: string): Promise<void> {
  const fs = await import('node:fs/promises');
  try {
    await fs.writeFile(path, text);
  } catch (err) {
    throw new CliError(`${path}: ${(err as Error).message}`);
  }
}

export async function hvapproxCommand(argv: string[]): Promise<number> {
  const args = parseArgs('hvapprox', argv, OPTIONS);
  if (flag(args, 'help')) {
    process.stdout.write(HVAPPROX_HELP + '\n');
    return 0;
  }
  const nText = value(args, 'nsamples');
  if (nText === undefined) throw new CliError('must specify a value for -n/--nsamples, for example, --nsamples 262144');
  const samples = positiveInt('-n/--nsamples', nText, 0x7fffffff);
  const method = parseMethod(value(args, 'method') ?? '3');
  const seedText = value(args, 'seed');
  let seed = 0;
  if (seedText !== undefined) {
    if (method !== 'montecarlo') throw new CliError('-S/--seed only makes sense with --method=1');
    seed = positiveInt('-S/--seed', seedText, 0xffffffff);
  } else if (method === 'montecarlo') {
    seed = Math.floor(Date.now() / 1000) >>> 0;
  }
  const files = await readInputs(args.positionals);
  const d = commonDim(files);
  if (d < 2 || d > HV_APPROX_MAX_OBJECTIVES) throw new CliError(`the input has ${d} objectives; hvapprox needs 2 to ${HV_APPROX_MAX_OBJECTIVES}`);
  const maximise = maximiseFlags(args, d);
  const sets: PointSet[][] = files.map((f) => (flag(args, 'union') ? [unionOf(f)] : f.sets));
  const refText = value(args, 'reference');
  let ref: number[];
  const all = bounds(sets.flat(), d);
  if (refText !== undefined) {
    ref = parsePoint('-r/--reference', refText);
    if (ref.length !== d) throw new CliError(`-r/--reference has ${ref.length} values but the input has ${d} objectives`);
  } else {
    ref = all.max.map((hi, k) => (maximise?.[k] ? all.min[k] - 0.1 * (hi - all.min[k]) : hi + 0.1 * (hi - all.min[k])));
  }
  const verbose = flag(args, 'verbose');
  const quiet = flag(args, 'quiet');
  const suffix = value(args, 'suffix');
  const out = new Output();
  if (verbose) {
    out.line(`# Method: ${METHOD_LABEL[HV_APPROX_METHODS.indexOf(method)]}`);
    out.line(`# seed: ${seed}`);
    out.line(`# nsamples: ${samples}`);
    if (refText === undefined && files.length > 1) {
      out.line(`# maximum:${formatRow(all.max)}`);
      out.line(`# minimum:${formatRow(all.min)}`);
    }
  }
  const sign = (k: number) => (maximise?.[k] ? -1 : 1);
  for (let fi = 0; fi < files.length; fi++) {
    const file = files[fi];
    const toFile = suffix !== undefined && file.name !== '<stdin>';
    const values: string[] = [];
    const emit = (s: string) => (toFile ? values.push(s, '\n') : out.line(s));
    if (verbose) {
      out.line(`# file: ${file.name}`);
      if (refText !== undefined || files.length === 1) {
        const own = bounds(sets[fi], d);
        out.line(`# minimum:   ${formatRow(own.min)}`);
        out.line(`# maximum:   ${formatRow(own.max)}`);
      }
      out.line(`# reference: ${formatRow(ref)}`);
    }
    for (const set of sets[fi]) {
      let outside = 0;
      for (let i = 0; i < set.lines.length; i++) {
        for (let k = 0; k < d; k++) {
          if (sign(k) * set.points[i * d + k] >= sign(k) * ref[k]) {
            outside++;
            break;
          }
        }
      }
      if (outside > 0) warn('hvapprox', `${file.name}: ${outside} point(s) do not strictly dominate the reference point and are ignored`);
      const [r, s] = timed(() => hvApprox(set.points, d, ref, { samples, method, seed, maximise }));
      if (r.value === 0) {
        out.flush();
        throw new CliError(`${file.name}: none of the points strictly dominates the reference point`);
      }
      emit(formatCell(r.value));
      if (verbose && r.standardError !== undefined) emit(`# Standard error: ${formatG(r.standardError)}`);
      if (verbose) emit(timeLine(s));
    }
    if (toFile) {
      const path = file.name + suffix;
      await writeSuffixed(path, values.join(''));
      if (!quiet) process.stderr.write(`# ${file.name} -> ${path}\n`);
    }
  }
  out.flush();
  return 0;
}
