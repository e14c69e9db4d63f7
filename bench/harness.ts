// What the scripts in bench/ that are not suites of `paretonas bench` share: a one-line machine
// description for their headers and moocore's input format. Timing and checks come from the
// benchmark code that ships (src/bench/harness.ts, src/bench/check.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

export function machine(): string {
  const c = cpus();
  return `${c.length} x ${c[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
}

const scratch = mkdtempSync(join(tmpdir(), 'paretonas-bench-'));

/** Write points in moocore's input format (shortest round-trip decimal form). */
export function writePoints(name: string, pts: Float64Array, d: number): string {
  const lines: string[] = [];
  for (let i = 0; i < pts.length; i += d) lines.push(Array.from(pts.subarray(i, i + d), String).join(' '));
  const path = join(scratch, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}
