// What a bundler ships for `import { hypervolume } from 'paretonas/pareto'`: the minified
// JavaScript esbuild makes of the entry, and the one WebAssembly module it loads, raw and gzipped.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function benchBundle(): Promise<string[]> {
  const rows: string[] = ['| shipped for paretonas/pareto | bytes | gzipped |', '|---|---|---|'];
  const res = await build({
    entryPoints: [`${ROOT}src/pareto/index.ts`], bundle: true, format: 'esm', platform: 'neutral', minify: true,
    write: false, external: ['node:*'], target: 'es2022', logLevel: 'silent',
  });
  const js = res.outputFiles[0].contents;
  rows.push(`| JavaScript (esbuild, minified, ESM) | ${js.length.toLocaleString('en')} | ${gzipSync(js).length.toLocaleString('en')} |`);
  const wasm = readFileSync(`${ROOT}build/pareto.wasm`);
  rows.push(`| build/pareto.wasm | ${wasm.length.toLocaleString('en')} | ${gzipSync(wasm).length.toLocaleString('en')} |`);
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchBundle()) console.log(r);
}
