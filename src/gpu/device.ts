// Acquiring a WebGPU device: the hardware adapter where there is one, else the software one,
// with the limits the training kernels need requested explicitly. The caller owns the device.
import { gpuInstallHint, gpuSources, SOFTWARE_ADAPTER } from '../platform/gpu.ts';

export interface Gpu {
  device: GPUDevice;
  /** a description of the adapter, e.g. "llvmpipe (LLVM 15.0.6, 256 bits) [Dawn (OpenGL ES)]" */
  adapter: string;
  /** true for CPU (software) adapters */
  software: boolean;
  /** true when the device was passed in by the caller (then it is not destroyed by dispose) */
  external: boolean;
  /**
   * The WebGPU instance the adapter came from. Held here on purpose: in Node, a collected
   * instance frees state that the device still uses (Dawn then aborts the process).
   */
  instance?: GPU;
  dispose(): void;
}

export interface AcquireOptions {
  /** use this device instead of acquiring one */
  device?: GPUDevice;
  /** skip hardware adapters */
  software?: boolean;
}

/** Limits requested up to what the adapter allows. */
const WANTED_LIMITS = [
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupStorageSize',
  'maxStorageBuffersPerShaderStage',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupsPerDimension',
] as const;

function describe(info: GPUAdapterInfo | undefined, source: string): string {
  const parts = [info?.description, info?.device, info?.vendor, info?.architecture].filter((s) => s && String(s).length > 0);
  return `${parts.length ? parts.join(' / ') : 'unknown adapter'} [${source}]`;
}

function isSoftware(adapter: GPUAdapter, label: string): boolean {
  const info = adapter.info as GPUAdapterInfo & { type?: string; isFallbackAdapter?: boolean };
  if ((adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter || info.isFallbackAdapter) return true;
  if (info.type && /cpu/i.test(info.type)) return true;
  return SOFTWARE_ADAPTER.test(label);
}

/**
 * A device on the best adapter available.
 * @throws Error saying what to install when no adapter can be had
 */
export async function acquireGpu(options: AcquireOptions = {}): Promise<Gpu> {
  if (options.device) {
    return { device: options.device, adapter: options.device.label || 'device given by the caller', software: false, external: true, dispose() {} };
  }
  const tried: string[] = [];
  let fallback: { adapter: GPUAdapter; label: string; instance: GPU } | undefined;
  for (const source of await gpuSources()) {
    let adapter: GPUAdapter | null = null;
    const instance = source.gpu; // read once: the getter of a Node source creates an instance
    try {
      adapter = await instance.requestAdapter(source.adapterOptions);
    } catch (err) {
      tried.push(`${source.name}: ${(err as Error).message}`);
      continue;
    }
    if (!adapter) {
      tried.push(`${source.name}: no adapter`);
      continue;
    }
    const label = describe(adapter.info, source.name);
    if (isSoftware(adapter, label)) {
      if (source.softwareOk) fallback ??= { adapter, label, instance };
      else tried.push(`${source.name}: software adapter ${label} skipped`);
      continue;
    }
    if (options.software) continue;
    return open(adapter, label, false, instance);
  }
  if (fallback) return open(fallback.adapter, fallback.label, true, fallback.instance);
  throw new Error(`paretonas: no WebGPU adapter could be had (${tried.join('; ') || 'no WebGPU implementation'}). ${gpuInstallHint()}`);
}

async function open(adapter: GPUAdapter, label: string, software: boolean, instance: GPU): Promise<Gpu> {
  const requiredLimits: Record<string, number> = {};
  for (const k of WANTED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number>)[k];
    if (typeof v === 'number') requiredLimits[k] = v;
  }
  const device = await adapter.requestDevice({ requiredLimits, label: `paretonas on ${label}` });
  device.lost.then((info) => {
    if (info.reason !== 'destroyed') console.warn(`paretonas: GPU device lost: ${info.message}`);
  });
  return { device, adapter: label, software, external: false, instance, dispose: () => device.destroy() };
}
