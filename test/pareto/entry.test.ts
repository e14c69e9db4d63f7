// `paretonas/pareto` is the entry for embedders who want the Pareto utilities alone: bundled by a
// real bundler (esbuild), it must pull in no optimizer, surrogate, training or GPU code, and the
// bundle must run on its own beside build/pareto.wasm.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hypervolume, ndsort } from '../../src/index.ts';
import { fromRows } from '../../src/pareto/fromRows.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('paretonas/pareto (the light entry)', () => {
  it('bundles src/pareto, src/wasm and src/platform only, and the bundle computes what the full package does', async () => {
    const res = await build({
      entryPoints: [join(root, 'src/pareto/index.ts')], bundle: true, format: 'esm', platform: 'neutral',
      minify: true, write: false, metafile: true, external: ['node:*'], target: 'es2022', logLevel: 'silent',
    });
    const inputs = Object.keys(res.metafile.inputs).map((p) => p.replace(/\\/g, '/'));
    expect(inputs.some((p) => p.endsWith('src/pareto/hypervolume.ts'))).toBe(true);
    const outside = inputs.filter((p) => !/(^|\/)src\/(pareto|wasm|platform)\//.test(p));
    expect(outside).toEqual([]);
    expect(inputs.filter((p) => p.endsWith('src/wasm/module.ts'))).toEqual([]); // not the surrogate module

    // Run the bundle at the depth the package's layout gives it (dist/pareto/index.js), beside
    // a copy of the module it loads (build/pareto.wasm).
    const dir = mkdtempSync(join(tmpdir(), 'paretonas-entry-'));
    mkdirSync(join(dir, 'dist/pareto'), { recursive: true });
    mkdirSync(join(dir, 'build'));
    copyFileSync(join(root, 'build/pareto.wasm'), join(dir, 'build/pareto.wasm'));
    const file = join(dir, 'dist/pareto/index.mjs');
    writeFileSync(file, res.outputFiles[0].contents);
    const light = await import(pathToFileURL(file).href) as typeof import('../../src/pareto/index.ts');
    const pts = fromRows([[1, 4, 2], [2, 2, 2], [3, 1, 3], [2, 3, 1], [4, 4, 4]]);
    expect(light.hypervolume(pts, 3, [5, 5, 5])).toBe(hypervolume(pts, 3, [5, 5, 5]));
    expect(Array.from(light.ndsort(pts, 3))).toEqual(Array.from(ndsort(pts, 3)));
  });
});
