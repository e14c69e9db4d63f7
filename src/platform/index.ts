// Everything that differs between Node, Deno and browsers lives in this folder.

interface DenoLike {
  readFile(path: string | URL): Promise<Uint8Array>;
}

/** The running host: 'deno', 'node' or 'browser' (anything with fetch and no file system). */
export type Runtime = 'node' | 'deno' | 'browser';

export function runtime(): Runtime {
  const g = globalThis as { Deno?: unknown; process?: { versions?: { node?: string } } };
  if (g.Deno !== undefined) return 'deno';
  if (g.process?.versions?.node !== undefined) return 'node';
  return 'browser';
}

/** Read a file that ships with the package, addressed relative to a module's URL. */
export async function readPackageFile(url: URL): Promise<Uint8Array> {
  const rt = runtime();
  if (rt === 'deno' && url.protocol === 'file:') {
    return (globalThis as unknown as { Deno: DenoLike }).Deno.readFile(url);
  }
  if (rt === 'node' && url.protocol === 'file:') {
    const fs = await import('node:fs/promises');
    return new Uint8Array(await fs.readFile(url));
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`paretonas: cannot load ${url.href}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** A monotonic clock in milliseconds. */
export function now(): number {
  return globalThis.performance.now();
}

let relaxedAsked = false;

/**
 * Ask the runtime for relaxed SIMD before the training module is compiled. Node 20 has it behind
 * --experimental-wasm-relaxed-simd; V8 accepts that flag at run time too (before the first module
 * that uses it is compiled), which spares users a command-line flag. Elsewhere (Node >= 22, Deno,
 * browsers) it is on already, or not to be had, and this does nothing.
 */
export async function requestRelaxedSimd(): Promise<void> {
  if (relaxedAsked || runtime() !== 'node') return;
  relaxedAsked = true;
  const major = Number((globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node?.split('.')[0] ?? 0);
  if (major >= 22) return;
  try {
    const v8 = await import('node:v8');
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    // not fatal: the baseline-SIMD build is used
  }
}
