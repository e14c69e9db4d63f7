// What machine a benchmark ran on: CPU, cores, memory, runtime, WebAssembly features and the
// WebGPU adapter, in Node, Deno and browsers (the Node parts are imported only there).
import type { AdapterInfo, MachineInfo } from '../bench/schema.ts';
import { runtime } from './index.ts';
import { SOFTWARE_ADAPTER, webgpuPackageEntry } from './gpu.ts';

// The smallest modules that use one v128 instruction (wasm-feature-detect's probes): validating
// them asks the runtime whether it compiles SIMD and relaxed SIMD, without running anything.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
const RELAXED_SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11]);

/** WebAssembly features this runtime compiles (relaxed SIMD: as of now, after requestRelaxedSimd() where that applies). */
export function wasmFeatures(): { simd: boolean; relaxedSimd: boolean } {
  return { simd: WebAssembly.validate(SIMD_PROBE), relaxedSimd: WebAssembly.validate(RELAXED_SIMD_PROBE) };
}

type AdapterLike = GPUAdapter & { isFallbackAdapter?: boolean; info: GPUAdapterInfo & { type?: string; isFallbackAdapter?: boolean } };

/**
 * An adapter as the benchmark results describe it. `name` is its description, device, vendor and
 * architecture joined by ' / ' (as src/gpu/device.ts describes it, less the source) (the same rule as the Node probe below, so rows and the machine
 * header name one adapter alike).
 */
export function adapterInfo(adapter: GPUAdapter): AdapterInfo {
  const a = adapter as AdapterLike;
  const i = a.info;
  const limits: Record<string, number> = {};
  for (const k in a.limits) {
    const v = (a.limits as unknown as Record<string, unknown>)[k];
    if (typeof v === 'number') limits[k] = v;
  }
  const name = [i.description, i.device, i.vendor, i.architecture].filter((s) => s).join(' / ') || 'unknown adapter';
  const software = Boolean(a.isFallbackAdapter || i.isFallbackAdapter || /cpu/i.test(i.type ?? '') || SOFTWARE_ADAPTER.test(name));
  return { name, vendor: i.vendor || undefined, architecture: i.architecture || undefined, description: i.description || undefined, software, limits, features: [...a.features].map(String).sort() };
}

// Run in a child process: Dawn's driver messages (a missing Vulkan loader) stay out of this
// process's stderr and a driver crash cannot take the benchmark down. The hardware adapter of
// Dawn's default backend first, else the software one on OpenGL ES (as src/gpu/device.ts).
const NODE_PROBE = String.raw`
const d = await import(process.argv[1]);
const SOFT = ${SOFTWARE_ADAPTER};
function describe(a) {
  const i = a.info ?? {};
  const limits = {};
  for (const k in a.limits) if (typeof a.limits[k] === 'number') limits[k] = a.limits[k];
  const name = [i.description, i.device, i.vendor, i.architecture].filter((s) => s).join(' / ') || 'unknown adapter';
  const software = Boolean(a.isFallbackAdapter || i.isFallbackAdapter || /cpu/i.test(i.type ?? '') || SOFT.test(name));
  return { name, vendor: i.vendor || undefined, architecture: i.architecture || undefined, description: i.description || undefined, software, limits, features: [...a.features].map(String).sort() };
}
let best = null;
try {
  const a = await d.create([]).requestAdapter({ powerPreference: 'high-performance' });
  if (a) best = describe(a);
} catch {}
if (!best || best.software) {
  try {
    const a = await d.create(['backend=opengles']).requestAdapter({ featureLevel: 'compatibility' });
    if (a && !best) best = describe(a);
  } catch {}
}
process.stdout.write(JSON.stringify(best));
process.exit(0);`;

/**
 * The WebGPU adapter a training run would use, or null. Node: only where the optional 'webgpu'
 * package resolves (else null at once), asked in a child process (at most 30 s).
 */
export async function webgpuAdapter(): Promise<AdapterInfo | null> {
  if (runtime() === 'node') {
    const entry = await webgpuPackageEntry();
    if (entry === undefined) return null;
    const { execFile } = await import('node:child_process');
    const { pathToFileURL } = await import('node:url');
    const env = { ...process.env, EGL_PLATFORM: process.env.EGL_PLATFORM ?? 'surfaceless' };
    return new Promise((resolve) => {
      execFile(process.execPath, ['--input-type=module', '-e', NODE_PROBE, pathToFileURL(entry).href], { timeout: 30_000, env }, (err, stdout) => {
        if (err) return resolve(null);
        try {
          resolve(JSON.parse(stdout) as AdapterInfo | null);
        } catch {
          resolve(null);
        }
      });
    });
  }
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  const adapter = await gpu?.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  return adapter ? adapterInfo(adapter) : null;
}

/** The machine: CPU, cores, memory, runtime, WebAssembly features; `webgpu` as given (see webgpuAdapter()). */
export async function describeMachine(webgpu: AdapterInfo | null): Promise<MachineInfo> {
  const rt = runtime();
  const wasm = wasmFeatures();
  if (rt === 'browser') {
    const nav = (globalThis as { navigator?: { hardwareConcurrency?: number; deviceMemory?: number; userAgent?: string; platform?: string } }).navigator ?? {};
    return {
      cpu: 'unknown', cores: nav.hardwareConcurrency ?? 1,
      // deviceMemory is rounded to a power of two GiB (Chromium only)
      memoryBytes: nav.deviceMemory !== undefined ? nav.deviceMemory * 2 ** 30 : undefined,
      runtime: 'browser', runtimeVersion: nav.userAgent ?? 'unknown', os: nav.platform ?? 'unknown', wasm, webgpu,
    };
  }
  // Deno has node:os too
  const os = await import('node:os');
  const cpus = os.cpus();
  const version = rt === 'deno' ? `deno ${(globalThis as unknown as { Deno: { version: { deno: string } } }).Deno.version.deno}` : process.version;
  return {
    cpu: cpus[0]?.model?.trim() || 'unknown', cores: os.availableParallelism?.() ?? (cpus.length || 1), memoryBytes: os.totalmem(),
    runtime: rt, runtimeVersion: version, os: `${os.platform()} ${os.arch()}`, wasm, webgpu,
  };
}
