// Everything that differs between Node, Deno and browsers lives in this folder.

interface DenoLike {
  readFile(path: string | URL): Promise<Uint8Array>;
}

/** The parts of Node's `process` read here (Deno 2 has the same global). */
interface ProcessLike {
  env?: Record<string, string | undefined>;
  versions?: { node?: string };
  pid?: number;
  cwd?(): string;
}

function hostProcess(): ProcessLike | undefined {
  return (globalThis as { process?: ProcessLike }).process;
}

/** The running host: 'deno', 'node' or 'browser' (anything with fetch and no file system). */
export type Runtime = 'node' | 'deno' | 'browser';

export function runtime(): Runtime {
  if ((globalThis as { Deno?: unknown }).Deno !== undefined) return 'deno';
  if (hostProcess()?.versions?.node !== undefined) return 'node';
  return 'browser';
}

/** An environment variable (process.env in Node and Deno); undefined where there are none (browsers). */
export function envVar(name: string): string | undefined {
  return hostProcess()?.env?.[name];
}

/**
 * Set an environment variable for this process, and so for the workers and child processes it
 * starts afterwards (they inherit the environment). Nothing happens where there is none.
 */
export function setEnvVar(name: string, value: string): void {
  const env = hostProcess()?.env;
  if (env) env[name] = value;
}

/** The directory relative paths are resolved against (Node, Deno); undefined in browsers. */
export function workingDirectory(): string | undefined {
  return hostProcess()?.cwd?.();
}

/** This process's id (Node, Deno); undefined in browsers. */
export function processId(): number | undefined {
  return hostProcess()?.pid;
}

const VERBOSE_ENV = 'PARETONAS_VERBOSE';

/** Whether the user asked for driver and runtime messages (`--verbose`, PARETONAS_VERBOSE=1). */
export function verbose(): boolean {
  return envVar(VERBOSE_ENV) === '1';
}

/** Ask for driver and runtime messages from here on, in this process and the workers it starts (`--verbose`). */
export function setVerbose(): void {
  setEnvVar(VERBOSE_ENV, '1');
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
  const major = Number(hostProcess()?.versions?.node?.split('.')[0] ?? 0);
  if (major >= 22) return;
  try {
    const v8 = await import('node:v8');
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    // not fatal: the baseline-SIMD build is used
  }
}
