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
