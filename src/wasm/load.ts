// Instantiates one of the package's kernel modules (build/*.wasm), the same way on every platform.
import { readPackageFile } from '../platform/index.ts';

/** What every kernel module exports for the host's copy-in / copy-out (see call.ts). */
export interface KernelMemory {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  dealloc(ptr: number): void;
}

/** Read, compile and instantiate the module at `url` (a package file). */
export async function loadKernels<T extends KernelMemory>(url: URL): Promise<T> {
  let bytes: Uint8Array;
  try {
    bytes = await readPackageFile(url);
  } catch (err) {
    throw new Error(
      `paretonas: the WebAssembly kernels are missing (${url.href}); build them with \`npm run build:wasm\``,
      { cause: err },
    );
  }
  const imports = {
    env: {
      abort(_msg: number, _file: number, line: number, col: number): never {
        throw new Error(`paretonas: WebAssembly kernel aborted at ${line}:${col}`);
      },
    },
  };
  const { instance } = await WebAssembly.instantiate(bytes as BufferSource, imports);
  return instance.exports as unknown as T;
}
