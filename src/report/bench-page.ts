// The benchmark page (dist/report/bench.html): the 'train-kernels' and 'pareto' suites of
// `paretonas bench` run in the visitor's browser — the training kernels on its WebGPU adapter
// (a software one too, on the quick shapes: the visitor asked for it) and in WebAssembly, the
// Pareto kernels in WebAssembly — then the machine, the table, and the result file of the schema
// 'paretonas-bench/1' to download. The kernels' WebAssembly and WGSL files are fetched from the
// package beside the page (src/platform/package-file.ts).
import { runBench } from '../bench/run.ts';
import { validateBenchFile, type AdapterInfo, type BenchFile, type MachineInfo } from '../bench/schema.ts';
import { describeMachine, webgpuAdapter } from '../platform/machine.ts';
import { packageFile } from '../platform/package-file.ts';

/** The suites the page runs, in order. */
export const PAGE_SUITES = ['train-kernels', 'pareto'];

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let result: BenchFile | undefined;

function show(status: string): void {
  byId('status').textContent = status;
}

function log(line: string): void {
  const el = byId('log');
  el.textContent += `${line}\n`;
  el.scrollTop = el.scrollHeight;
}

/** A table of rows (header first) with text-aligned columns where `text` says. */
function table(head: string[], rows: (string | number)[][], text: Set<number>): HTMLTableElement {
  const t = document.createElement('table');
  const tr = (cells: (string | number)[], tag: 'th' | 'td') => {
    const r = document.createElement('tr');
    cells.forEach((c, i) => {
      const cell = document.createElement(tag);
      cell.textContent = String(c);
      if (text.has(i)) cell.className = 'text';
      r.append(cell);
    });
    return r;
  };
  const thead = document.createElement('thead');
  thead.append(tr(head, 'th'));
  const tbody = document.createElement('tbody');
  for (const r of rows) tbody.append(tr(r, 'td'));
  t.append(thead, tbody);
  return t;
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toPrecision(3));
const bytes = (b: number) => `${(b / 2 ** 30).toFixed(0)} GiB`;

function adapterLines(a: AdapterInfo): [string, string][] {
  const limits = Object.entries(a.limits).sort(([x], [y]) => x.localeCompare(y)).map(([k, v]) => `${k} ${v}`).join(', ');
  return [
    ['WebGPU adapter', `${a.name}${a.software ? ' (software)' : ''}`],
    ['adapter limits', limits],
    ['adapter features', a.features.join(', ') || 'none'],
  ];
}

function drawMachine(m: MachineInfo): void {
  const dl = document.createElement('dl');
  const lines: [string, string][] = [
    ['browser', m.runtimeVersion],
    ['logical cores', String(m.cores)],
    ...(m.memoryBytes !== undefined ? [['memory (as the browser rounds it)', bytes(m.memoryBytes)] as [string, string]] : []),
    ['platform', m.os],
    ['WebAssembly', `SIMD ${m.wasm.simd ? 'yes' : 'no'}, relaxed SIMD ${m.wasm.relaxedSimd ? 'yes' : 'no'}`],
    ...(m.webgpu ? adapterLines(m.webgpu) : [['WebGPU adapter', 'none (WebGPU is off or missing in this browser)'] as [string, string]]),
  ];
  for (const [k, v] of lines) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    dl.append(dt, dd);
  }
  byId('machine').replaceChildren(dl);
}

function drawResults(f: BenchFile): void {
  const rows = f.results.map((r) => [
    r.suite, r.case, Object.entries(r.shape).map(([k, v]) => `${k} ${v}`).join(', '), r.backend, r.adapter ?? '',
    r.unit, fmt(r.first), fmt(r.median), fmt(r.p90), r.runs, r.check,
  ]);
  byId('results').replaceChildren(table(['suite', 'case', 'shape', 'backend', 'adapter', 'unit', 'first call', 'median', 'p90 (slow end)', 'runs', 'check'], rows, new Set([0, 1, 2, 3, 4, 5, 10])));
  const skipped = byId('skipped');
  if (f.skipped.length === 0) skipped.replaceChildren();
  else skipped.replaceChildren(Object.assign(document.createElement('h2'), { textContent: 'Not run here' }), table(['suite', 'case', 'reason'], f.skipped.map((s) => [s.suite, s.case, s.reason]), new Set([0, 1, 2])));
}

/** The package's version, from its package.json beside the page where the host serves it. */
async function packageVersion(): Promise<string> {
  try {
    const res = await fetch(packageFile('package.json'));
    if (res.ok) return String(((await res.json()) as { version?: unknown }).version ?? 'unknown');
  } catch {
    // a host that serves dist/ and build/ alone
  }
  return 'unknown';
}

async function run(): Promise<void> {
  const quick = byId<HTMLInputElement>('quick').checked;
  byId<HTMLButtonElement>('run').disabled = true;
  byId<HTMLButtonElement>('download').disabled = true;
  byId('log').textContent = '';
  show(`running the ${quick ? 'quick' : 'full'} suites: ${PAGE_SUITES.join(', ')} ...`);
  try {
    const file = await runBench({ suites: PAGE_SUITES, quick, softwareGpu: true, version: await packageVersion(), log });
    // the adapter itself: its limits, not those the kernels' device asked for
    file.machine.webgpu = (await webgpuAdapter()) ?? file.machine.webgpu;
    result = validateBenchFile(JSON.parse(JSON.stringify(file)), 'the page result');
    drawMachine(result.machine);
    drawResults(result);
    byId<HTMLButtonElement>('download').disabled = false;
    show(`finished: ${result.results.length} results${result.skipped.length ? `, ${result.skipped.length} not run here` : ''}`);
  } catch (err) {
    show(`failed: ${(err as Error).message}`);
  } finally {
    byId<HTMLButtonElement>('run').disabled = false;
  }
}

function download(): void {
  if (!result) return;
  const blob = new Blob([`${JSON.stringify(result, null, 2)}\n`], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `paretonas-bench-${result.started.replace(/[:.]/g, '-')}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

byId('run').addEventListener('click', () => void run());
byId('download').addEventListener('click', download);
void (async () => drawMachine(await describeMachine(await webgpuAdapter())))();
