// Benchmark results as Markdown: the machine header, one table per suite, the anchors' status,
// and the comparison of two result files. Platform-neutral (the CLI and the page print these).
import { speedup, type BenchFile, type BenchResult, type MachineInfo } from './schema.ts';

/** Seconds with a unit a reader takes in at a glance; rates with 4 significant digits. */
export function formatValue(x: number, unit: BenchResult['unit']): string {
  if (unit !== 's') return x >= 1000 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(4);
  if (x < 1e-3) return `${(x * 1e6).toPrecision(3)} µs`;
  if (x < 1) return `${(x * 1e3).toPrecision(3)} ms`;
  return `${x.toPrecision(4)} s`;
}

export function formatShape(shape: BenchResult['shape']): string {
  return Object.entries(shape).map(([k, v]) => `${k}=${typeof v === 'number' ? v.toLocaleString('en-US').replace(/,/g, '_') : v}`).join(' ');
}

const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;

export function formatMachine(m: MachineInfo): string {
  const lines = [
    `- CPU: ${m.cpu}, ${m.cores} logical cores${m.memoryBytes !== undefined ? `, ${gib(m.memoryBytes)} memory` : ''}`,
    `- runtime: ${m.runtime} ${m.runtimeVersion} on ${m.os}; WebAssembly SIMD ${m.wasm.simd ? 'yes' : 'no'}, relaxed SIMD ${m.wasm.relaxedSimd ? 'yes' : 'no'}`,
  ];
  if (!m.webgpu) lines.push('- WebGPU: no adapter');
  else {
    const a = m.webgpu;
    const l = a.limits;
    lines.push(`- WebGPU: ${a.name}${a.software ? ' (software)' : ''}; maxComputeInvocationsPerWorkgroup ${l.maxComputeInvocationsPerWorkgroup ?? '?'}, ` +
      `maxComputeWorkgroupStorageSize ${l.maxComputeWorkgroupStorageSize ?? '?'}, maxStorageBufferBindingSize ${l.maxStorageBufferBindingSize ?? '?'}; features: ${a.features.join(', ') || 'none'}`);
  }
  return lines.join('\n');
}

/** The whole run: header, a table per suite, the anchors and what was skipped. */
export function formatBench(f: BenchFile): string {
  const out = [`# paretonas ${f.version} bench${f.quick ? ' --quick' : ''}, ${f.started}`, '', formatMachine(f.machine)];
  for (const suite of f.suites) {
    const rows = f.results.filter((r) => r.suite === suite);
    out.push('', `## ${suite}`, '');
    if (rows.length === 0) out.push('(no results)');
    else {
      out.push('| case | shape | backend | first | median | p90 | unit | anchor | anchor median | ratio |', '|---|---|---|---|---|---|---|---|---|---|');
      for (const r of rows) {
        const backend = r.adapter ? `${r.backend} (${r.adapter})` : r.backend;
        out.push(`| ${r.case} | ${formatShape(r.shape)} | ${backend} | ${formatValue(r.first, r.unit)} | ${formatValue(r.median, r.unit)} | ${formatValue(r.p90, r.unit)} | ${r.unit} | ` +
          `${r.anchor ? r.anchor.name : '—'} | ${r.anchor ? formatValue(r.anchor.median, r.unit) : '—'} | ${r.ratio !== undefined ? `${r.ratio.toFixed(2)}x` : '—'} |`);
      }
    }
    for (const s of f.skipped.filter((x) => x.suite === suite)) out.push(`- skipped ${s.case}: ${s.reason}`);
  }
  out.push('', '## Anchors', '');
  if (f.anchors.length === 0) out.push('(none looked for)');
  for (const a of f.anchors) out.push(`- ${a.name}: ${a.status}, ${a.detail}`);
  out.push('', 'ratio: how many times faster paretonas is than the anchor on the median (above 1: faster). Checks: in the JSON (--json), field "check".');
  return out.join('\n');
}

/** The key two files' results are matched by. */
export function resultKey(r: BenchResult): string {
  const shape = Object.keys(r.shape).sort().map((k) => [k, r.shape[k]]);
  return JSON.stringify([r.suite, r.case, shape, r.backend, r.adapter ?? '']);
}

/** The ratios of B over A, case by case (above 1: B is faster), and the cases only one file has. */
export function formatCompare(a: BenchFile, b: BenchFile, nameA = 'A', nameB = 'B'): string {
  const byKey = new Map(a.results.map((r) => [resultKey(r), r]));
  const matched = new Set<string>();
  const out = [
    `# ${nameB} against ${nameA}`, '',
    `A = ${nameA}: paretonas ${a.version}, ${a.started}${a.quick ? ', --quick' : ''}`, formatMachine(a.machine), '',
    `B = ${nameB}: paretonas ${b.version}, ${b.started}${b.quick ? ', --quick' : ''}`, formatMachine(b.machine), '',
    '| suite | case | shape | backend | A median | B median | unit | B vs A |', '|---|---|---|---|---|---|---|---|',
  ];
  const onlyB: BenchResult[] = [];
  for (const r of b.results) {
    const key = resultKey(r);
    const x = byKey.get(key);
    if (!x || x.unit !== r.unit) {
      onlyB.push(r);
      continue;
    }
    matched.add(key);
    const s = speedup(r.unit, r.median, x.median);
    const backend = r.adapter ? `${r.backend} (${r.adapter})` : r.backend;
    out.push(`| ${r.suite} | ${r.case} | ${formatShape(r.shape)} | ${backend} | ${formatValue(x.median, r.unit)} | ${formatValue(r.median, r.unit)} | ${r.unit} | ${s.toFixed(2)}x |`);
  }
  if (matched.size === 0) out.push('| (no case in both) | | | | | | | |');
  const onlyA = a.results.filter((r) => !matched.has(resultKey(r)));
  const list = (rs: BenchResult[]) => rs.map((r) => `- ${r.suite}: ${r.case} (${formatShape(r.shape)}, ${r.backend}${r.adapter ? `, ${r.adapter}` : ''})`);
  out.push('', `B vs A: how many times faster B is than A on the median (above 1: B faster). ${matched.size} cases in both.`);
  if (onlyA.length) out.push('', `Only in A (${nameA}):`, ...list(onlyA));
  if (onlyB.length) out.push('', `Only in B (${nameB}):`, ...list(onlyB));
  return out.join('\n');
}
