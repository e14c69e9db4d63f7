import type { OptionSpec, ParsedArgs } from './args.ts';
import { flag, value } from './args.ts';
import { CliError } from './errors.ts';
import type { PointSet } from './input.ts';
import { now } from '../platform/index.ts';

/** Options shared by the Pareto commands, spelled as in moocore's tools. */
export const OBJECTIVE_OPTIONS: OptionSpec[] = [
  { name: 'obj', short: 'o', value: true, help: 'per objective, "+" to maximise or "-" to minimise, e.g. "+-"' },
  { name: 'maximise', help: 'maximise every objective' },
  { name: 'maximize', help: 'same as --maximise' },
];

export const COMMON_OPTIONS: OptionSpec[] = [
  { name: 'help', short: 'h', help: 'print this help and exit' },
  { name: 'verbose', short: 'v', help: 'also print "# Time: <seconds> seconds" for the kernel alone' },
  { name: 'quiet', short: 'q', help: 'print only the values (the default)' },
];

/** Per-objective maximise flags from -o/--obj and --maximise. */
export function maximiseFlags(args: ParsedArgs, d: number): boolean[] | undefined {
  const all = flag(args, 'maximise') || flag(args, 'maximize');
  const obj = value(args, 'obj');
  if (obj === undefined) return all ? new Array<boolean>(d).fill(true) : undefined;
  if (!/^[+-]+$/.test(obj)) throw new CliError(`-o/--obj must consist of '+' and '-' only, got '${obj}'`);
  if (obj.length !== d) throw new CliError(`-o/--obj gives ${obj.length} objectives but the input has ${d}`);
  return Array.from(obj, (c) => c === '+' || all);
}

/** Time a kernel call; returns [result, seconds]. */
export function timed<T>(fn: () => T): [T, number] {
  const t0 = now();
  const r = fn();
  return [r, (now() - t0) / 1000];
}

export function timeLine(seconds: number): string {
  return `# Time: ${seconds.toFixed(6)} seconds`;
}

/** Check all sets share one dimension; returns it. */
export function commonDim(sets: { name: string; d: number }[]): number {
  const d = sets[0].d;
  for (const s of sets) {
    if (s.d !== d) throw new CliError(`${s.name}: input has ${s.d} objectives while earlier input has ${d}`);
  }
  return d;
}

/** Bounding box of several sets. */
export function bounds(sets: PointSet[], d: number): { min: number[]; max: number[] } {
  const min = new Array<number>(d).fill(Infinity);
  const max = new Array<number>(d).fill(-Infinity);
  for (const s of sets) {
    for (let i = 0; i < s.points.length; i++) {
      const k = i % d, v = s.points[i];
      if (v < min[k]) min[k] = v;
      if (v > max[k]) max[k] = v;
    }
  }
  return { min, max };
}

/** Collects output lines and writes them at once. */
export class Output {
  private readonly parts: string[] = [];
  line(s = ''): void {
    this.parts.push(s, '\n');
  }
  flush(): void {
    if (this.parts.length > 0) process.stdout.write(this.parts.join(''));
    this.parts.length = 0;
  }
}

export function warn(command: string, msg: string): void {
  process.stderr.write(`paretonas ${command}: warning: ${msg}\n`);
}
