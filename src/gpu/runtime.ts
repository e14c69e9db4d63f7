// The WebGPU runtime of the training kernels: shader sources loaded once, pipelines cached by
// (shader, entry point, override constants) — never by shape, since shapes travel as uniforms —
// buffers pooled by size and usage, and helpers to dispatch and read back. Each dispatch's
// uniforms follow a named declaration (src/gpu/uniforms.ts), checked against the shader's
// WGSL struct before its first use.
import { readPackageFile } from '../platform/index.ts';
import { packageFile } from '../platform/package-file.ts';
import type { Gpu } from './device.ts';
import { uniformMismatches, type UniformStruct, type Uniforms } from './uniforms.ts';

/** Storage buffers the kernels read and write (and copy to/from). */
export const STORAGE = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST
const UNIFORM_USAGE = 0x40 | 0x8; // UNIFORM | COPY_DST
const MAP_READ = 0x1, COPY_DST = 0x8;

const decoder = new TextDecoder();

/** Read shaders/<name>.wgsl (with shaders/common.wgsl prepended) from the package. */
export async function loadShader(name: string): Promise<string> {
  const url = (n: string) => packageFile(`shaders/${n}.wgsl`);
  const [common, body] = await Promise.all([readPackageFile(url('common')), readPackageFile(url(name))]);
  return `${decoder.decode(common)}\n${decoder.decode(body)}`;
}

export interface DispatchSpec {
  shader: string;
  entry?: string;
  /** WGSL override constants (e.g. workgroup sizes, tile sizes): these select a pipeline */
  constants?: Record<string, number>;
  /** the uniform block bound at @binding(0), packed from the shader's UniformStruct */
  uniforms: Uniforms;
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
  /** the uniform declaration checked against each shader's WGSL */
  private readonly checkedUniforms = new Map<string, UniformStruct>();
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

  /**
   * Build a dispatch: its uniform buffer, pipeline and bind group.
   * @throws Error when the uniforms follow another shader's declaration, or a declaration that
   *   differs from the shader's WGSL struct (checked once per shader)
   */
  prepare(spec: DispatchSpec): PreparedDispatch {
    const pipeline = this.pipeline(spec.shader, spec.entry, spec.constants);
    this.checkUniforms(spec.shader, spec.uniforms.struct);
    const data = spec.uniforms.data;
    const uniform = this.buffer(Math.max(16, Math.ceil(data.byteLength / 16) * 16), `${spec.shader} uniforms`, UNIFORM_USAGE);
    this.device.queue.writeBuffer(uniform, 0, new Uint8Array(data));
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: uniform } }];
    spec.buffers.forEach((buffer, i) => entries.push({ binding: i + 1, resource: { buffer } }));
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries, label: spec.shader });
    const [x, y = 1, z = 1] = spec.workgroups;
    return { pipeline, bindGroup, workgroups: [x, y, z], uniform, label: spec.shader };
  }

  private checkUniforms(shader: string, struct: UniformStruct): void {
    if (this.checkedUniforms.get(shader) === struct) return;
    if (struct.shader !== shader) {
      throw new Error(`GpuRuntime: a dispatch of '${shader}' carries uniforms declared for '${struct.shader}' (${struct.struct})`);
    }
    const mismatches = uniformMismatches(struct, this.sources.get(shader) ?? '');
    if (mismatches.length) throw new Error(`GpuRuntime: the uniforms declared for '${shader}' differ from its WGSL: ${mismatches.join('; ')}`);
    this.checkedUniforms.set(shader, struct);
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
