// Reading point sets in the format of moocore's command-line tools: whitespace-separated
// numbers, one point per line; one or more blank lines end a set; a line whose first
// non-blank character is '#' is a comment and, as in moocore, also ends the current set;
// '-' (or no file) is standard input.
import { CliError } from './errors.ts';

export interface PointSet {
  /** row-major points */
  points: Float64Array;
  /** number of objectives */
  d: number;
  /** 1-based line number of each point in its file */
  lines: number[];
}

export interface InputFile {
  name: string;
  sets: PointSet[];
  /** all points of the file as one set (moocore's --union) */
  d: number;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:inf|infinity|nan)$/i;

/** Parse the text of one input. Errors name the file, the line and the column. */
export function parseSets(name: string, text: string): InputFile {
  const sets: PointSet[] = [];
  let d = 0;
  let values: number[] = [];
  let lines: number[] = [];
  const flush = () => {
    if (lines.length > 0) sets.push({ points: Float64Array.from(values), d, lines });
    values = [];
    lines = [];
  };
  const all = text.split('\n');
  if (all.length > 0 && all[all.length - 1] === '') all.pop();
  for (let ln = 0; ln < all.length; ln++) {
    const line = all[ln].replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '') {
      flush();
      continue;
    }
    if (trimmed.startsWith('#')) {
      flush();
      continue;
    }
    const tokens = trimmed.split(/[ \t]+/);
    if (d === 0) d = tokens.length;
    if (tokens.length !== d) {
      throw new CliError(`${name}: line ${ln + 1} has ${tokens.length} columns, expected ${d} (as in the first row)`);
    }
    for (let c = 0; c < tokens.length; c++) {
      const t = tokens[c];
      if (!NUMBER.test(t)) throw new CliError(`${name}: line ${ln + 1} column ${c + 1}: not a number: '${t}'`);
      const v = Number(t.replace(/^([+-]?)inf(inity)?$/i, '$1Infinity'));
      if (!Number.isFinite(v)) throw new CliError(`${name}: line ${ln + 1} column ${c + 1}: not a finite number: '${t}'`);
      values.push(v);
    }
    lines.push(ln + 1);
  }
  flush();
  if (sets.length === 0) throw new CliError(`${name}: no points found`);
  return { name, sets, d };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Read the files named (or standard input for none or '-'). */
export async function readInputs(files: readonly string[]): Promise<InputFile[]> {
  const fs = await import('node:fs/promises');
  const names = files.length === 0 ? ['-'] : files;
  const out: InputFile[] = [];
  for (const f of names) {
    let text: string;
    try {
      text = f === '-' ? await readStdin() : await fs.readFile(f, 'utf8');
    } catch (err) {
      throw new CliError(`${f}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
    out.push(parseSets(f === '-' ? '<stdin>' : f, text));
  }
  return out;
}

/** All sets of a file merged into one. */
export function unionOf(file: InputFile): PointSet {
  if (file.sets.length === 1) return file.sets[0];
  const n = file.sets.reduce((s, x) => s + x.lines.length, 0);
  const points = new Float64Array(n * file.d);
  const lines: number[] = [];
  let off = 0;
  for (const s of file.sets) {
    points.set(s.points, off);
    off += s.points.length;
    lines.push(...s.lines);
  }
  return { points, d: file.d, lines };
}

/** Parse a point given on the command line, e.g. "10 10 10". */
export function parsePoint(what: string, text: string): number[] {
  const tokens = text.trim().split(/[ \t,;]+/).filter((t) => t !== '');
  if (tokens.length === 0) throw new CliError(`${what}: empty point`);
  return tokens.map((t, i) => {
    if (!NUMBER.test(t)) throw new CliError(`${what}: value ${i + 1} is not a number: '${t}'`);
    const v = Number(t);
    if (!Number.isFinite(v)) throw new CliError(`${what}: value ${i + 1} is not finite: '${t}'`);
    return v;
  });
}
