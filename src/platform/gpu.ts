// Where a WebGPU implementation comes from on each platform: Node through the `webgpu` package
// (Dawn), Deno and browsers through navigator.gpu.
import { envVar, runtime, setEnvVar, verbose } from './index.ts';

/** A way to get GPU adapters, in order of preference, with a name for messages. */
export interface GpuSource {
  name: string;
  gpu: GPU;
  /** request options for this source (e.g. compatibility mode for OpenGL ES) */
  adapterOptions: GPURequestAdapterOptions;
  /** whether a software (CPU) adapter from this source may be used */
  softwareOk: boolean;
}

interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

let dawn: DawnModule | undefined;

async function loadDawn(): Promise<DawnModule> {
  if (!dawn) {
    const name = 'webgpu';
    try {
      dawn = (await import(/* @vite-ignore */ name)) as DawnModule;
    } catch (err) {
      throw new Error(
        "paretonas: WebGPU for Node needs the 'webgpu' package (npm install webgpu)",
        { cause: err },
      );
    }
    // The WebGPU constants (GPUBufferUsage, GPUShaderStage, GPUMapMode) must exist as globals.
    for (const [k, v] of Object.entries(dawn.globals)) {
      if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    }
  }
  return dawn;
}

/**
 * The sources to try, best first. Node: Dawn's default backend (a hardware Vulkan adapter
 * where one exists), then Dawn on OpenGL ES (Mesa llvmpipe through EGL, headless, in
 * compatibility mode). Deno and browsers: navigator.gpu.
 */
export async function gpuSources(): Promise<GpuSource[]> {
  const rt = runtime();
  if (rt === 'node') {
    const d = await loadDawn();
    return [
      // Hardware only: Dawn's Vulkan path on Mesa's lavapipe fails (a crash inside Dawn), so
      // software adapters come from the OpenGL ES source below.
      { name: 'Dawn (default backend)', gpu: d.create([]), adapterOptions: { powerPreference: 'high-performance' }, softwareOk: false },
      {
        name: 'Dawn (OpenGL ES)',
        get gpu() {
          // Headless EGL: Mesa must not look for a display.
          if (!envVar('EGL_PLATFORM')) setEnvVar('EGL_PLATFORM', 'surfaceless');
          return d.create(['backend=opengles']);
        },
        adapterOptions: { featureLevel: 'compatibility' } as GPURequestAdapterOptions,
        softwareOk: true,
      },
    ];
  }
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (!nav?.gpu) return [];
  return [{ name: rt === 'deno' ? 'Deno navigator.gpu' : 'navigator.gpu', gpu: nav.gpu, adapterOptions: { powerPreference: 'high-performance' }, softwareOk: true }];
}

/** What to install when no adapter can be had, per platform. */
export function gpuInstallHint(): string {
  switch (runtime()) {
    case 'node':
      return "Node: install the 'webgpu' package; on Linux without a GPU driver, install Mesa's EGL/GLES (Debian: apt-get install libegl1 libegl-mesa0 libgles2) for the software adapter, or a Vulkan driver (libvulkan1 mesa-vulkan-drivers, or the GPU vendor's).";
    case 'deno':
      return 'Deno: run with --unstable-webgpu, and install a Vulkan driver (Debian: apt-get install libvulkan1 mesa-vulkan-drivers for the software one).';
    default:
      return 'Browser: use one with WebGPU enabled (Chrome/Edge 113+, or Chromium with --enable-unsafe-webgpu).';
  }
}

/** Names of software (CPU) WebGPU implementations, as adapters describe themselves. */
export const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader|softpipe|software/i;

let hardwareProbe: Promise<string | undefined> | undefined;

/** Node: the file the optional 'webgpu' package (Dawn) loads from, or undefined where it is not installed. */
export async function webgpuPackageEntry(): Promise<string | undefined> {
  try {
    const { createRequire } = await import('node:module');
    return createRequire(import.meta.url).resolve('webgpu');
  } catch {
    return undefined;
  }
}

/**
 * The description of a hardware (not software) WebGPU adapter, or undefined when there is none.
 * Node: asked in a short-lived child process, so that Dawn's driver messages (a missing Vulkan
 * loader, limit warnings) never reach this process's stderr on a machine without a GPU, and a
 * crash inside a driver cannot take the caller down (with --verbose / PARETONAS_VERBOSE=1 they are
 * passed on). Deno and browsers: navigator.gpu.
 */
export function probeHardwareAdapter(): Promise<string | undefined> {
  hardwareProbe ??= (async () => {
    if (runtime() === 'node') {
      const entry = await webgpuPackageEntry();
      if (entry === undefined) return undefined; // the optional 'webgpu' package is not installed
      const { execFile } = await import('node:child_process');
      const { pathToFileURL } = await import('node:url');
      const script = `const d = await import(${JSON.stringify(pathToFileURL(entry).href)});
        const a = await d.create([]).requestAdapter({ powerPreference: 'high-performance' });
        const i = a?.info ?? {};
        const soft = !a || a.isFallbackAdapter || i.isFallbackAdapter || /cpu/i.test(i.type ?? '') || ${SOFTWARE_ADAPTER}.test(i.description ?? '');
        process.stdout.write(JSON.stringify(soft ? null : [i.description, i.vendor, i.architecture].filter(Boolean).join(' / ') || 'hardware adapter'));
        process.exit(0);`;
      return new Promise<string | undefined>((resolve) => {
        execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 }, (err, stdout, stderr) => {
          if (verbose() && stderr) process.stderr.write(`paretonas: WebGPU probe: ${stderr}`);
          if (err) return resolve(undefined);
          try {
            resolve(JSON.parse(stdout) ?? undefined);
          } catch {
            resolve(undefined);
          }
        });
      });
    }
    const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
    const adapter = await nav?.gpu?.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
    if (!adapter) return undefined;
    const info = adapter.info as GPUAdapterInfo & { type?: string; isFallbackAdapter?: boolean };
    if ((adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter || info.isFallbackAdapter || /cpu/i.test(info.type ?? '')) return undefined;
    if (SOFTWARE_ADAPTER.test(info.description ?? '')) return undefined;
    return info.description || info.vendor || 'hardware adapter';
  })();
  return hardwareProbe;
}
