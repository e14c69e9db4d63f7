// Copy-in / call / copy-out around a kernel module. Every buffer a call allocates is freed
// when it returns, and no view of `memory.buffer` outlives a call: views are made afresh after
// the kernel ran, because any allocation inside it may have grown (and detached) the memory.
import type { KernelMemory } from './load.ts';

export class Scratch {
  private readonly ptrs: number[] = [];

  constructor(private readonly mod: KernelMemory) {}

  /** Allocate `bytes` bytes (8-byte aligned) and return the pointer. */
  alloc(bytes: number): number {
    const p = this.mod.alloc(bytes) >>> 0;
    if (p === 0) throw new RangeError(`paretonas: out of WebAssembly memory allocating ${bytes} bytes`);
    this.ptrs.push(p);
    return p;
  }

  /** Copy a Float64Array into fresh memory; `sign` (optional, per column) multiplies each column. */
  f64(data: ArrayLike<number>, sign?: Float64Array, d = 1): number {
    const p = this.alloc(data.length * 8);
    const view = new Float64Array(this.mod.memory.buffer, p, data.length);
    if (sign === undefined) {
      view.set(data);
    } else {
      for (let i = 0; i < data.length; i++) view[i] = data[i] * sign[i % d];
    }
    return p;
  }

  free(): void {
    for (const p of this.ptrs) this.mod.dealloc(p);
    this.ptrs.length = 0;
  }
}

/** Run `fn` with a scratch arena in `mod` that is always released. */
export function withScratch<T>(mod: KernelMemory, fn: (s: Scratch) => T): T {
  const s = new Scratch(mod);
  try {
    return fn(s);
  } finally {
    s.free();
  }
}

export function readF64(mod: KernelMemory, ptr: number, n: number, out?: Float64Array): Float64Array {
  const view = new Float64Array(mod.memory.buffer, ptr, n);
  const res = out ?? new Float64Array(n);
  res.set(view);
  return res;
}

export function readI32(mod: KernelMemory, ptr: number, n: number, out?: Int32Array): Int32Array {
  const view = new Int32Array(mod.memory.buffer, ptr, n);
  const res = out ?? new Int32Array(n);
  res.set(view);
  return res;
}

export function readU8(mod: KernelMemory, ptr: number, n: number): Uint8Array {
  return new Uint8Array(mod.memory.buffer, ptr, n).slice();
}
