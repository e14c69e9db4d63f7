// Worker threads on each platform: Node's worker_threads, Web Workers (module type) in Deno and
// browsers. A worker is spawned from a module URL and exchanges structured-clone messages.
import { requestRelaxedSimd, runtime } from './index.ts';

/** How a worker ended. `code` is Node's exit code; `error` the uncaught error, if one ended it. */
export interface WorkerExit {
  code?: number;
  error?: string;
}

/** The parent's side of a worker. */
export interface WorkerHandle {
  post(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the worker ends: it exited, an uncaught error ended it, or terminate(). */
  onExit(listener: (exit: WorkerExit) => void): void;
  /** Whether this worker keeps a Node process alive (idle pool workers should not). */
  keepAlive(on: boolean): void;
  terminate(): Promise<void>;
}

export interface SpawnOptions {
  /** a name for debuggers and messages */
  name?: string;
  /** the worker will import TypeScript modules besides its entry (Node then needs tsx's loader) */
  typescript?: boolean;
}

/** The worker's side: messages to and from the thread that spawned it. */
export interface ParentPort {
  post(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
}

const TS_FILE = /\.[mc]?ts$/;

/** Start a worker running the ES module at `entry`. */
export async function spawnWorker(entry: URL, options: SpawnOptions = {}): Promise<WorkerHandle> {
  return runtime() === 'node' ? spawnNode(entry, options) : spawnWeb(entry, options);
}

/** This thread's parent, from inside a worker. */
export async function parentPort(): Promise<ParentPort> {
  if (runtime() === 'node') {
    const wt = await import('node:worker_threads');
    const port = wt.parentPort;
    if (!port) throw new Error('paretonas: parentPort() called outside a worker thread');
    return { post: (m) => port.postMessage(m), onMessage: (l) => port.on('message', l) };
  }
  const scope = globalThis as unknown as {
    postMessage(m: unknown): void;
    addEventListener(type: 'message', l: (e: MessageEvent) => void): void;
  };
  return { post: (m) => scope.postMessage(m), onMessage: (l) => scope.addEventListener('message', (e) => l(e.data)) };
}

/** Threads that can run at once: os.availableParallelism() in Node, navigator.hardwareConcurrency elsewhere. */
export function availableParallelism(): number {
  const g = globalThis as {
    process?: { getBuiltinModule?(id: string): unknown };
    navigator?: { hardwareConcurrency?: number };
  };
  if (runtime() === 'node') {
    // getBuiltinModule (Node >= 20.16) keeps this synchronous without a static node: import.
    const os = g.process?.getBuiltinModule?.('node:os') as { availableParallelism?(): number; cpus(): unknown[] } | undefined;
    if (os) return os.availableParallelism?.() ?? Math.max(1, os.cpus().length);
  }
  const n = g.navigator?.hardwareConcurrency;
  return typeof n === 'number' && n >= 1 ? n : 1;
}

/**
 * What a Node worker runs. Node 20 cannot run our TypeScript sources (type stripping, where it
 * exists, refuses parameter properties), so a `.ts` entry (under vitest or tsx) starts from a
 * bootstrap that registers tsx's loader, then imports the entry; `--import tsx` in the worker's
 * execArgv does not reach a worker's entry in Node 20 ("Unknown file extension .ts"). A compiled
 * entry (dist/) runs as it is.
 */
async function nodeEntry(entry: URL, options: SpawnOptions): Promise<URL> {
  if (!TS_FILE.test(entry.pathname) && !options.typescript) return entry;
  const { createRequire } = await import('node:module');
  const { pathToFileURL } = await import('node:url');
  let api: string;
  try {
    const require = createRequire(import.meta.url);
    const pkgPath = require.resolve('tsx/package.json');
    const pkg = require(pkgPath) as { exports: Record<string, { import?: { default?: string } }> };
    const rel = pkg.exports['./esm/api']?.import?.default;
    if (!rel) throw new Error("tsx's package.json has no ./esm/api export");
    api = new URL(rel, pathToFileURL(pkgPath)).href;
  } catch (err) {
    throw new Error(`paretonas: the worker module ${entry.href} is TypeScript; Node needs the 'tsx' package to run it (npm install tsx)`, { cause: err });
  }
  const boot = `import { register } from ${JSON.stringify(api)};\nregister();\nawait import(${JSON.stringify(entry.href)});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}

async function spawnNode(entry: URL, options: SpawnOptions): Promise<WorkerHandle> {
  // Relaxed SIMD needs a V8 flag below Node 22, which a Worker's execArgv refuses
  // (ERR_WORKER_INVALID_EXEC_ARGV: V8 flags are per process); set on the process, it holds in
  // every worker.
  await requestRelaxedSimd();
  const { Worker } = await import('node:worker_threads');
  const w = new Worker(await nodeEntry(entry, options), { name: options.name });
  let error: string | undefined;
  let exit: WorkerExit | undefined;
  const exitListeners: ((e: WorkerExit) => void)[] = [];
  // 'error' (uncaught exception, out of memory) always precedes 'exit'.
  w.on('error', (e: Error) => {
    error ??= e.message;
  });
  w.on('messageerror', (e: Error) => {
    error ??= `a message from the worker could not be deserialised: ${e.message}`;
  });
  w.on('exit', (code: number) => {
    exit = { code, error };
    for (const l of exitListeners.splice(0)) l(exit);
  });
  return {
    post: (m) => w.postMessage(m),
    onMessage: (l) => w.on('message', l),
    onExit: (l) => (exit ? l(exit) : exitListeners.push(l)),
    keepAlive: (on) => (on ? w.ref() : w.unref()),
    terminate: async () => {
      await w.terminate();
    },
  };
}

async function spawnWeb(entry: URL, options: SpawnOptions): Promise<WorkerHandle> {
  const w = new Worker(entry, { type: 'module', name: options.name });
  const exitListeners: ((e: WorkerExit) => void)[] = [];
  let ended = false;
  // Web Workers have no exit event: an uncaught error (or a failed load) is taken as the end,
  // and the worker is terminated so that it cannot go on half-broken.
  const end = (exit: WorkerExit) => {
    if (ended) return;
    ended = true;
    w.terminate();
    for (const l of exitListeners.splice(0)) l(exit);
  };
  w.addEventListener('error', (e: ErrorEvent) => {
    // Unhandled, the error would also be rethrown in the parent (Deno ends the process).
    e.preventDefault();
    end({ error: e.message || `the worker ${entry.href} failed (uncaught error or failed load)` });
  });
  w.addEventListener('messageerror', () => end({ error: 'a message from the worker could not be deserialised' }));
  return {
    post: (m) => w.postMessage(m),
    onMessage: (l) => w.addEventListener('message', (e: MessageEvent) => l(e.data)),
    onExit: (l) => (ended ? l({}) : exitListeners.push(l)),
    keepAlive: () => {},
    terminate: async () => end({}),
  };
}
