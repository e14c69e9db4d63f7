// The benchmark runner: the chosen suites one after the other, collected into one result file
// (schema 'paretonas-bench/1') with the machine that measured. Platform-neutral: the CLI and the
// benchmark page both call it.
import type { SuiteContext } from './harness.ts';
import { BENCH_SCHEMA, type AdapterInfo, type AnchorStatus, type BenchFile } from './schema.ts';
import { SUITES } from './suites/index.ts';
import { describeMachine, webgpuAdapter } from '../platform/machine.ts';
import { requestRelaxedSimd } from '../platform/index.ts';

export interface RunOptions extends Omit<SuiteContext, 'log' | 'quick'> {
  /** suite names, run in this order (default: every registered suite) */
  suites?: readonly string[];
  quick?: boolean;
  /** progress lines (default: none) */
  log?: (message: string) => void;
  /** the paretonas version that measures */
  version: string;
}

/** The registered suite names, in their order. */
export function suiteNames(): string[] {
  return SUITES.map((s) => s.name);
}

/**
 * Run suites and collect their results.
 * @throws RangeError naming an unknown suite; Error when a suite's correctness check fails
 */
export async function runBench(options: RunOptions): Promise<BenchFile> {
  const names = options.suites && options.suites.length > 0 ? [...options.suites] : suiteNames();
  for (const n of names) {
    if (!SUITES.some((s) => s.name === n)) throw new RangeError(`runBench: unknown suite '${n}' (suites: ${suiteNames().join(', ')})`);
  }
  const log = options.log ?? (() => {});
  const quick = options.quick ?? false;
  const started = new Date().toISOString();
  // the training suites ask for it before they compile; asked first, the machine header says what they had
  await requestRelaxedSimd();
  const file: BenchFile = {
    schema: BENCH_SCHEMA, version: options.version, started, finished: started, suites: names, quick,
    machine: await describeMachine(null), anchors: [], results: [], skipped: [],
  };
  let adapter: AdapterInfo | undefined;
  const ctx: SuiteContext = {
    quick, log, moocore: options.moocore, moocoreSource: options.moocoreSource, python: options.python, softwareGpu: options.softwareGpu,
  };
  for (const name of names) {
    log(`suite ${name}${quick ? ' (--quick)' : ''}`);
    const suite = await SUITES.find((s) => s.name === name)!.load();
    const out = await suite.run(ctx);
    file.results.push(...out.results);
    for (const a of out.anchors) mergeAnchor(file.anchors, a);
    file.skipped.push(...out.skipped.map((s) => ({ suite: name, ...s })));
    adapter ??= out.adapter;
  }
  // the adapter a suite used; else the one a training run would get (Node: only with 'webgpu' installed)
  file.machine.webgpu = adapter ?? (await webgpuAdapter());
  file.finished = new Date().toISOString();
  return file;
}

/** One line per anchor name: a present anchor wins over an absent one. */
function mergeAnchor(list: AnchorStatus[], a: AnchorStatus): void {
  const i = list.findIndex((x) => x.name === a.name);
  if (i < 0) list.push(a);
  else if (list[i].status === 'absent' && a.status === 'present') list[i] = a;
}
