// moocore's command-line tools as a benchmark anchor (Node only: the node: modules are imported
// when an anchor is opened, so that a browser bundle of the suites never loads them). Tools
// that print their kernel time with -v ('# Time: <s> seconds': hv, hvapprox, and the ndsort
// driver built from bench/anchors/moocore_ndsort.c) are timed by it; the others (eaf,
// nondominated, dominatedsets) by the wall time of the whole process, an upper bound on their
// kernel time that the anchor's name says.
import type { AnchorStatus } from '../schema.ts';
import { median, quantile } from '../harness.ts';
import { packageFile } from '../../platform/package-file.ts';

type ChildProcess = typeof import('node:child_process');
type Fs = typeof import('node:fs');
type Path = typeof import('node:path');

/** An anchor's answer and times: the first process apart, then the warm ones. */
export interface AnchorTiming {
  /** the first number of every non-comment line it printed */
  values: number[];
  /** everything it printed on stdout (of the first run) */
  stdout: string;
  first: number;
  median: number;
  p90: number;
  runs: number;
}

/** The anchors' helper programs (bench/anchors/ ships with the package). */
export const ANCHORS_DIR = packageFile('bench/anchors/');

export class Moocore {
  private constructor(
    readonly dir: string,
    readonly version: string,
    private readonly cp: ChildProcess,
    private readonly fs: Fs,
    private readonly path: Path,
    private readonly scratch: string,
    /** its C sources, where found */
    readonly source: string | undefined,
    private readonly anchorsDir: string,
  ) {}

  /**
   * Open moocore's tools in `dir` (its bin/). `source`: its C sources (for the ndsort driver);
   * default: the first of DIR, DIR/c, DIR/../c, DIR/.. that holds pareto.c.
   * Returns the anchor, or the reason it is absent.
   */
  static async open(dir: string, source?: string): Promise<Moocore | string> {
    const cp = await import('node:child_process');
    const fs = await import('node:fs');
    const path = await import('node:path');
    const os = await import('node:os');
    const { fileURLToPath } = await import('node:url');
    const hv = path.join(dir, 'hv');
    if (!fs.existsSync(hv)) return `${hv} not found (--moocore names moocore's bin directory)`;
    const r = cp.spawnSync(hv, ['--version'], { encoding: 'utf8' });
    if (r.status !== 0) return `${hv} --version failed: ${(r.stderr || r.error?.message || '').trim()}`;
    const version = /version\s+(\S+)/.exec(r.stdout)?.[1] ?? r.stdout.trim().split('\n')[0];
    const src = source ?? [dir, path.join(dir, 'c'), path.join(dir, '..', 'c'), path.join(dir, '..')].find((p) => fs.existsSync(path.join(p, 'pareto.c')) && fs.existsSync(path.join(p, 'nondominated.h')));
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'paretonas-bench-'));
    return new Moocore(dir, version, cp, fs, path, scratch, src, fileURLToPath(ANCHORS_DIR));
  }

  /** The status line for the run's anchor list. */
  status(): AnchorStatus {
    return { name: 'moocore', status: 'present', detail: `${this.version} in ${this.dir}` };
  }

  /** The path of a tool, or undefined when the directory lacks it. */
  tool(name: string): string | undefined {
    const p = this.path.join(this.dir, name);
    return this.fs.existsSync(p) ? p : undefined;
  }

  /** Write sets of points in moocore's input format (shortest round-trip decimals; `setSize` points per blank-line-separated set). */
  writePoints(name: string, pts: Float64Array, d: number, setSize = pts.length / d): string {
    const lines: string[] = [];
    const n = pts.length / d;
    for (let i = 0; i < n; i++) {
      if (i > 0 && i % setSize === 0) lines.push('');
      lines.push(Array.from(pts.subarray(i * d, i * d + d), String).join(' '));
    }
    return this.writeText(name, lines.join('\n') + '\n');
  }

  /** Write a text file in the scratch directory; its path. */
  writeText(name: string, text: string): string {
    const file = this.path.join(this.scratch, name);
    this.fs.writeFileSync(file, text);
    return file;
  }

  readText(file: string): string {
    return this.fs.readFileSync(file, 'utf8');
  }

  /** Run a program `runs` times; timed by its '# Time:' lines (kernel) or, with `wall`, the whole process. */
  run(cmd: string, args: string[], runs: number, wall = false): AnchorTiming {
    const times: number[] = [];
    let values: number[] = [], stdout = '';
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const r = this.cp.spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
      const w = (performance.now() - t0) / 1000;
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}: ${(r.stderr || r.error?.message || '').trim()}`);
      let t = NaN;
      const vals: number[] = [];
      // the time line may come on either stream (moocore: stdout; the driver: stdout too)
      for (const line of `${r.stdout}\n${r.stderr}`.split('\n')) {
        const m = /^# Time: ([0-9.eE+-]+) seconds/.exec(line);
        if (m) t = (Number.isNaN(t) ? 0 : t) + Number(m[1]);
        else if (/^\s*[-+0-9.]/.test(line)) vals.push(Number(line.trim().split(/\s+/)[0]));
      }
      if (!wall && Number.isNaN(t)) throw new Error(`${cmd} ${args.join(' ')} printed no '# Time:' line`);
      times.push(wall ? w : t);
      if (i === 0) {
        values = vals;
        stdout = r.stdout;
      }
    }
    const warm = times.length > 1 ? times.slice(1) : times;
    return { values, stdout, first: times[0], median: median(warm), p90: quantile(warm, 0.9), runs: warm.length };
  }

  private driver: string | undefined;

  /**
   * moocore's non-dominated sorting timed alone: bench/anchors/moocore_ndsort.c built against
   * its sources (its `ndsort` tool prints no time). The driver's path, or why there is none.
   */
  ndsortDriver(): { path: string } | { reason: string } {
    if (this.driver) return { path: this.driver };
    if (!this.source) return { reason: `no moocore C sources (pareto.c) in ${this.dir}, ${this.dir}/c, ${this.dir}/../c or ${this.dir}/..` };
    const cc = this.cp.spawnSync('cc', ['--version'], { encoding: 'utf8' });
    if (cc.status !== 0) return { reason: `no C compiler: cc ${cc.error ? cc.error.message : 'failed'}` };
    const out = this.path.join(this.scratch, 'moocore_ndsort');
    const driverSource = this.path.join(this.anchorsDir, 'moocore_ndsort.c');
    const r = this.cp.spawnSync('cc', ['-O3', '-march=native', '-DNDEBUG', `-I${this.source}`, '-o', out, driverSource, this.path.join(this.source, 'pareto.c'), '-lm'], { encoding: 'utf8' });
    if (r.status !== 0) return { reason: `building ${driverSource} against ${this.source} failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}` };
    this.driver = out;
    return { path: out };
  }

  /** Remove the scratch files. */
  dispose(): void {
    this.fs.rmSync(this.scratch, { recursive: true, force: true });
  }
}
