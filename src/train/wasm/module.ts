// The CPU training module (build/train.wasm, or build/train-relaxed.wasm where the runtime
// validates relaxed SIMD): compiled once per realm, instantiated once per training backend so
// that every backend (and every worker) has its own linear memory.
import { readPackageFile, requestRelaxedSimd } from '../../platform/index.ts';
import { packageFile } from '../../platform/package-file.ts';

/** Raw exports of the training module; pointers are byte offsets into `memory`, tensors f32 NCHW. */
export interface TrainExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  dealloc(ptr: number): void;
  /** 1 for the relaxed-SIMD build (fused multiply-add), 0 for baseline SIMD */
  simdFlavour(): number;
  [name: string]: unknown;
}

const URLS = {
  baseline: packageFile('build/train.wasm'),
  relaxed: packageFile('build/train-relaxed.wasm'),
};

export type SimdFlavour = 'relaxed' | 'baseline';

let compiled: Promise<{ module: WebAssembly.Module; flavour: SimdFlavour }> | undefined;

async function bytesOf(url: URL): Promise<Uint8Array> {
  try {
    return await readPackageFile(url);
  } catch (err) {
    throw new Error(`paretonas: the CPU training module is missing (${url.href}); build it with \`npm run build:wasm\``, { cause: err });
  }
}

/**
 * Compile the training module once: the relaxed-SIMD build when this runtime validates it
 * (Node >= 22, and Node 20 once asked, Chrome >= 114, Deno), else the baseline-SIMD one. `prefer: 'baseline'` forces
 * the baseline build.
 */
export function compileTrainModule(prefer: SimdFlavour = 'relaxed'): Promise<{ module: WebAssembly.Module; flavour: SimdFlavour }> {
  if (prefer === 'baseline') return bytesOf(URLS.baseline).then(async (b) => ({ module: await WebAssembly.compile(b as BufferSource), flavour: 'baseline' as const }));
  compiled ??= (async () => {
    await requestRelaxedSimd();
    const relaxed = await bytesOf(URLS.relaxed);
    if (WebAssembly.validate(relaxed as BufferSource)) return { module: await WebAssembly.compile(relaxed as BufferSource), flavour: 'relaxed' as const };
    return { module: await WebAssembly.compile((await bytesOf(URLS.baseline)) as BufferSource), flavour: 'baseline' as const };
  })();
  return compiled;
}

/** One instance of the training module with its own memory. */
export class TrainModule {
  private constructor(readonly exports: TrainExports, readonly flavour: SimdFlavour) {}

  static async create(prefer: SimdFlavour = 'relaxed'): Promise<TrainModule> {
    const { module, flavour } = await compileTrainModule(prefer);
    const imports = {
      env: {
        abort(_msg: number, _file: number, line: number, col: number): never {
          throw new Error(`paretonas: CPU training kernel aborted at ${line}:${col}`);
        },
      },
    };
    const instance = await WebAssembly.instantiate(module, imports);
    return new TrainModule(instance.exports as unknown as TrainExports, flavour);
  }

  /** Allocate `bytes` (16-byte aligned, zeroed) and return the pointer. */
  alloc(bytes: number, what: string): number {
    const p = this.exports.alloc(Math.max(16, bytes)) >>> 0;
    if (p === 0) throw new RangeError(`paretonas: out of WebAssembly memory allocating ${bytes} bytes for ${what}`);
    new Uint8Array(this.exports.memory.buffer, p, Math.max(16, bytes)).fill(0);
    return p;
  }

  free(ptr: number): void {
    this.exports.dealloc(ptr);
  }

  /** Copy `data` into memory at `ptr` (f32 unless it is a Uint8Array/Int32Array/Uint32Array, copied as is). */
  write(ptr: number, data: Float32Array | Int32Array | Uint32Array | Uint8Array): void {
    new Uint8Array(this.exports.memory.buffer, ptr, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  /** A copy of n f32 values at ptr. */
  readF32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.exports.memory.buffer, ptr, n).slice();
  }

  readU32(ptr: number, n: number): Uint32Array {
    return new Uint32Array(this.exports.memory.buffer, ptr, n).slice();
  }

  /** A kernel export by name (the kernel files of assembly/train/ list them). */
  fn<F extends (...args: number[]) => number | void>(name: string): F {
    const f = this.exports[name];
    if (typeof f !== 'function') throw new Error(`paretonas: the CPU training module has no export '${name}' (rebuild with npm run build:wasm)`);
    return f as F;
  }
}
