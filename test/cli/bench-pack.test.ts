import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateBenchFile } from '../../src/bench/schema.ts';
import { suiteNames } from '../../src/bench/run.ts';

// What a person without a clone gets: `npm pack`, the tarball installed into an empty project,
// and `npx paretonas bench --quick --json` run there. The tarball is packed from this tree as
// built (run `npm run build` first; --ignore-scripts keeps npm from rebuilding it). The install
// fetches the package's dependencies (bullmq, ioredis) from the npm cache or the registry.
const root = fileURLToPath(new URL('../..', import.meta.url));
const MOOCORE_BIN = process.env.MOOCORE_BIN;
/** the version of Dawn's 'webgpu' package this clone develops against */
const WEBGPU_VERSION = (JSON.parse(readFileSync(join(root, 'node_modules/webgpu/package.json'), 'utf8')) as { version: string }).version;

function sh(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A Python with scikit-learn: GP_PYTHON, else python3 on the PATH or the system's. */
const SKLEARN_PYTHON = [process.env.GP_PYTHON, 'python3', '/usr/bin/python3'].find((p) => p && sh(p, ['-c', 'import sklearn, numpy'], root).code === 0);

describe('the packed package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paretonas-pack-'));
  const app = join(dir, 'app');
  let installed = false;

  function install(): void {
    if (installed) return;
    const pack = sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], root);
    expect(pack.code, pack.err).toBe(0);
    const [info] = JSON.parse(pack.out) as { filename: string; files: { path: string }[] }[];
    const files = info.files.map((f) => f.path);
    // what the bench needs at run time, beside dist/
    for (const f of ['bin/paretonas.js', 'dist/cli/bench.js', 'build/pareto.wasm', 'build/surrogates.wasm', 'bench/anchors/moocore_ndsort.c', 'bench/anchors/sklearn_gp.py']) {
      expect(files, f).toContain(f);
    }
    spawnSync('mkdir', [app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'paretonas-pack-test', private: true }));
    // with the optional 'webgpu' package (Dawn), as a user who trains on WebGPU installs it
    const inst = sh('npm', ['install', join(dir, info.filename), `webgpu@${WEBGPU_VERSION}`, '--no-audit', '--no-fund', '--prefer-offline'], app);
    expect(inst.code, inst.err).toBe(0);
    installed = true;
  }

  const bench = (args: string[]) => sh('npx', ['--no-install', 'paretonas', 'bench', ...args], app);

  it('npx paretonas bench --quick --json runs every suite from the installed tarball, on the software WebGPU adapter too, and prints a valid result file', () => {
    install();
    const r = bench(['--quick', '--json', '--software-gpu']);
    expect(r.code, r.err).toBe(0);
    const f = validateBenchFile(JSON.parse(r.out), 'npx paretonas bench --quick --json');
    expect(f.suites).toEqual(suiteNames());
    // each suite measured something here, or said why it could not
    for (const s of f.suites) expect(f.results.some((x) => x.suite === s) || f.skipped.some((x) => x.suite === s), s).toBe(true);
    for (const x of f.results) expect(x.median, `${x.suite} ${x.case}`).toBeGreaterThan(0);
    for (const a of f.anchors) expect(a.status, a.name).toBe('absent');
    // this machine's WebGPU is a software adapter (Mesa's llvmpipe in CI): described, and timed with --software-gpu
    expect(f.machine.webgpu?.software).toBe(true);
    const gpuRows = f.results.filter((x) => x.backend === 'webgpu');
    expect(gpuRows.some((x) => x.suite === 'train-kernels')).toBe(true);
    for (const x of gpuRows) expect(x.adapter).toBe(f.machine.webgpu!.name);
  });

  it.skipIf(!SKLEARN_PYTHON)('the installed package finds its scikit-learn helper script (needs GP_PYTHON or python3 with scikit-learn)', () => {
    install();
    const r = bench(['surrogates', '--quick', '--json', '--python', SKLEARN_PYTHON!]);
    expect(r.code, r.err).toBe(0);
    const f = validateBenchFile(JSON.parse(r.out));
    expect(f.anchors.find((a) => a.name === 'scikit-learn')?.status).toBe('present');
    expect(f.results.find((x) => x.case === 'gp predict (mean + std)')?.anchor?.name).toMatch(/scikit-learn/);
  });

  it.skipIf(!MOOCORE_BIN)('the installed package builds its moocore ndsort driver from the shipped source (set MOOCORE_BIN to run)', () => {
    install();
    const r = bench(['pareto', '--quick', '--json', '--moocore', MOOCORE_BIN!]);
    expect(r.code, r.err).toBe(0);
    const f = validateBenchFile(JSON.parse(r.out));
    const driver = f.anchors.find((a) => a.name === 'moocore ndsort driver');
    expect(driver, 'the driver needs moocore\'s C sources beside MOOCORE_BIN').toBeDefined();
    if (driver!.status === 'present') expect(f.results.find((x) => x.case === 'ndsort')?.anchor?.name).toMatch(/moocore pareto_rank/);
    else expect(driver!.detail).toMatch(/C sources|C compiler/);
  });
});
