// The WebGPU runtime of the training kernels: shader sources loaded once, pipelines cached by
// (shader, entry point, override constants) — never by shape, since shapes travel as uniforms —
// buffers pooled by size and usage, and helpers to dispatch and read back.
import { readPackageFile } from '../platform/index.ts';
import type { Gpu } from './device.ts';

/** Storage buffers the kernels read and write (and copy to/from). */
export const STORAGE = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST
const UNIFORM_USAGE = 0x40 | 0x8; // UNIFORM | COPY_DST
const MAP_READ = 0x1, COPY_DST = 0x8;

const decoder = new TextDecoder();

/** Read shaders/<name>.wgsl (with shaders/common.wgsl prepended) from the package. */
export async function loadShader(name: string): Promise<string> {
  const url = (n: string) => new URL(`../../shaders/${n}.wgsl`, import.meta.url);
  const [common, body] = await Promise.all([readPackageFile(url('common')), readPackageFile(url(name))]);
  return `${decoder.decode(common)}\n${decoder.decode(body)}`;
}

export interface DispatchSpec {
  shader: string;
  entry?: string;
  /** WGSL override constants (e.g. workgroup sizes, tile sizes): these select a pipeline */
  constants?: Record<string, number>;
  /** uniform values (u32/i32/f32 packed by the caller as 32-bit words) */
  uniforms: ArrayBuffer | ArrayBufferView;
  /** storage buffers bound at @binding(1), @binding(2), ... of @group(0) */
  buffers: GPUBuffer[];
  workgroups: [number, number?, number?];
}

/** A prepared dispatch: pipeline and bind group built once, encoded any number of times. */
export interface PreparedDispatch {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: [number, number, number];
  uniform: GPUBuffer;
  label: string;
}

export class GpuRuntime {
  readonly device: GPUDevice;
  readonly gpu: Gpu;
  private readonly sources = new Map<string, string>();
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly pool = new Map<string, GPUBuffer[]>();
  private readonly live = new Set<GPUBuffer>();

  private constructor(gpu: Gpu) {
    this.gpu = gpu;
    this.device = gpu.device;
  }

  /** Create a runtime with the named shaders loaded. */
  static async create(gpu: Gpu, shaders: readonly string[]): Promise<GpuRuntime> {
    const rt = new GpuRuntime(gpu);
    await rt.load(shaders);
    return rt;
  }

  async load(shaders: readonly string[]): Promise<void> {
    await Promise.all(
      shaders.filter((s) => !this.sources.has(s)).map(async (s) => this.sources.set(s, await loadShader(s))),
    );
  }

  /** The compute pipeline of a shader's entry point with the given override constants (cached). */
  pipeline(shader: string, entry = 'main', constants: Record<string, number> = {}): GPUComputePipeline {
    const key = `${shader}:${entry}:${Object.entries(constants).sort().map(([k, v]) => `${k}=${v}`).join(',')}`;
    let p = this.pipelines.get(key);
    if (!p) {
      let module = this.modules.get(shader);
      if (!module) {
        const code = this.sources.get(shader);
        if (code === undefined) throw new Error(`GpuRuntime: shader '${shader}' was not loaded`);
        module = this.device.createShaderModule({ code, label: shader });
        this.modules.set(shader, module);
      }
      p = this.device.createComputePipeline({ layout: 'auto', label: key, compute: { module, entryPoint: entry, constants } });
      this.pipelines.set(key, p);
    }
    return p;
  }

  /** A storage buffer of at least `bytes` bytes (rounded up to 256), from the pool when possible. */
  buffer(bytes: number, label = 'paretonas buffer', usage = STORAGE): GPUBuffer {
    const size = Math.max(256, Math.ceil(bytes / 256) * 256);
    if (size > this.device.limits.maxStorageBufferBindingSize) {
      throw new RangeError(`GpuRuntime: a buffer of ${bytes} bytes exceeds the device's storage binding limit (${this.device.limits.maxStorageBufferBindingSize} bytes)`);
    }
    const key = `${usage}:${size}`;
    const b = this.pool.get(key)?.pop() ?? this.device.createBuffer({ size, usage, label });
    this.live.add(b);
    return b;
  }

  /** Give a buffer back to the pool. */
  release(b: GPUBuffer): void {
    if (!this.live.delete(b)) return;
    const key = `${b.usage}:${b.size}`;
    const list = this.pool.get(key) ?? [];
    list.push(b);
    this.pool.set(key, list);
  }

  /** Upload data into a (new or pooled) storage buffer. */
  upload(data: Float32Array | Uint32Array | Int32Array, label?: string): GPUBuffer {
    const b = this.buffer(data.byteLength, label);
    // A view without offset arguments: the form every implementation (Dawn, wgpu, browsers) accepts.
    this.device.queue.writeBuffer(b, 0, new Uint8Array(data.buffer, data.byteOffset, data.byteLength) as Uint8Array<ArrayBuffer>);
    return b;
  }

  /** Build a dispatch: its uniform buffer, pipeline and bind group. */
  prepare(spec: DispatchSpec): PreparedDispatch {
    const pipeline = this.pipeline(spec.shader, spec.entry, spec.constants);
    const raw = ArrayBuffer.isView(spec.uniforms) ? spec.uniforms : new Uint8Array(spec.uniforms);
    const size = Math.max(16, Math.ceil(raw.byteLength / 16) * 16);
    const uniform = this.buffer(size, `${spec.shader} uniforms`, UNIFORM_USAGE);
    this.device.queue.writeBuffer(uniform, 0, new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) as Uint8Array<ArrayBuffer>);
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: uniform } }];
    spec.buffers.forEach((buffer, i) => entries.push({ binding: i + 1, resource: { buffer } }));
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries, label: spec.shader });
    const [x, y = 1, z = 1] = spec.workgroups;
    return { pipeline, bindGroup, workgroups: [x, y, z], uniform, label: spec.shader };
  }

  /** Record prepared dispatches into one compute pass. */
  encode(encoder: GPUCommandEncoder, dispatches: readonly PreparedDispatch[], label = 'paretonas pass'): void {
    const pass = encoder.beginComputePass({ label });
    for (const d of dispatches) {
      if (d.workgroups[0] === 0 || d.workgroups[1] === 0 || d.workgroups[2] === 0) continue;
      pass.setPipeline(d.pipeline);
      pass.setBindGroup(0, d.bindGroup);
      pass.dispatchWorkgroups(d.workgroups[0], d.workgroups[1], d.workgroups[2]);
    }
    pass.end();
  }

  /** Prepare, encode and submit dispatches at once (tests and one-off work). */
  run(specs: readonly DispatchSpec[]): void {
    const prepared = specs.map((s) => this.prepare(s));
    const enc = this.device.createCommandEncoder();
    this.encode(enc, prepared);
    this.device.queue.submit([enc.finish()]);
    for (const p of prepared) this.release(p.uniform);
  }

  /** Copy `bytes` bytes of a buffer back to the host (waits for the GPU). */
  async read(src: GPUBuffer, bytes = src.size, offset = 0): Promise<ArrayBuffer> {
    const size = Math.ceil(bytes / 4) * 4;
    const staging = this.device.createBuffer({ size, usage: MAP_READ | COPY_DST, label: 'readback' });
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(src, offset, staging, 0, size);
    this.device.queue.submit([enc.finish()]);
    await staging.mapAsync(MAP_READ);
    const out = staging.getMappedRange().slice(0, bytes);
    staging.unmap();
    staging.destroy();
    return out;
  }

  async readF32(src: GPUBuffer, n: number): Promise<Float32Array> {
    return new Float32Array(await this.read(src, n * 4));
  }

  /** Destroy every buffer this runtime made (the device stays). */
  destroy(): void {
    for (const list of this.pool.values()) for (const b of list) b.destroy();
    for (const b of this.live) b.destroy();
    this.pool.clear();
    this.live.clear();
  }
}

/** Pack uniform fields: numbers as u32 unless listed in `f32` (by index) or negative (i32). */
export function packUniforms(values: readonly number[], f32: readonly number[] = []): ArrayBuffer {
  const buf = new ArrayBuffer(Math.max(16, Math.ceil((values.length * 4) / 16) * 16));
  const u = new Uint32Array(buf), i = new Int32Array(buf), f = new Float32Array(buf);
  values.forEach((v, k) => {
    if (f32.includes(k)) f[k] = v;
    else if (v < 0) i[k] = v;
    else u[k] = v;
  });
  return buf;
}
