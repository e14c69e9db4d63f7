// Training time of MO-BANANAS's predictor ensemble (5 networks 13 → 10 → 2, 80 epochs, batch 32,
// Adam 0.1) on 300 rows: the WebAssembly kernel (src/surrogates/mlp.ts) against the same code in
// TypeScript (src/surrogates/reference/mlp.ts), after checking both give identical weights.
//
// Standalone: npx tsx bench/mlp.ts [runs]   (build the kernels first: npm run build:wasm)
import { pathToFileURL } from 'node:url';
import { Rng } from '../src/random/rng.ts';
import { Mlp } from '../src/surrogates/mlp.ts';
import { MlpReference } from '../src/surrogates/reference/mlp.ts';
import { median } from './harness.ts';

export interface MlpBenchRow {
  impl: 'wasm' | 'typescript';
  rows: number;
  /** median milliseconds to train the 5-network ensemble */
  medianMs: number;
}

export function benchMlp(options: { runs?: number; rows?: number } = {}): MlpBenchRow[] {
  const runs = options.runs ?? 7, n = options.rows ?? 300;
  const rng = new Rng(1);
  const x = new Float64Array(n * 13), y = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < 13; j++) s += (x[i * 13 + j] = rng.random());
    y[i * 2] = s;
    y[i * 2 + 1] = 4 * x[i * 13] * x[i * 13 + 1];
  }
  const run = (impl: 'wasm' | 'typescript') => {
    const nets = Array.from({ length: 5 }, (_, k) => (impl === 'wasm' ? new Mlp([13, 10, 2], new Rng(10 + k)) : new MlpReference([13, 10, 2], new Rng(10 + k))));
    const shuffles = new Rng(3);
    for (const net of nets) net.train(x, y, shuffles);
    return nets.map((net) => Array.from(net.predict(x.subarray(0, 13))));
  };
  const a = run('wasm'), b = run('typescript');
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error('bench/mlp: the WebAssembly and TypeScript networks differ');
  return (['wasm', 'typescript'] as const).map((impl) => {
    run(impl);
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      run(impl);
      times.push(performance.now() - t0);
    }
    return { impl, rows: n, medianMs: median(times) };
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runs = process.argv[2] !== undefined ? Number(process.argv[2]) : undefined;
  for (const r of benchMlp({ runs })) console.log(`${r.impl.padEnd(10)} ${r.rows} rows  ${r.medianMs.toFixed(1)} ms`);
}
