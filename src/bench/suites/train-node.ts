// The Node-only side of the 'train' suite (train.ts loads it only in Node): one training per
// process, so that its peak memory is its own and several run at once on the cores, and the
// PyTorch anchor (bench/anchors/torch_train.py, shipped with the package) on the same CPU. Node's
// modules are imported inside the functions: the benchmark page's bundle holds this module too,
// and a top-level `node:` import would be hoisted into it.
import { packageFile } from '../../platform/package-file.ts';
import type { NodeTraining, TorchFigures, TrainConfig, TrainingJob, TrainingRun } from './train.ts';

const TS_MODULE = /\.[mc]?ts$/;

/** stderr's last lines, for an error message */
const tail = (s: string) => s.trim().split('\n').slice(-5).join(' | ');

async function run(file: string, args: string[], options: { cwd?: string; timeoutS: number }): Promise<string> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: options.cwd, maxBuffer: 1 << 26, timeout: options.timeoutS * 1000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${tail(stderr) || err.message}`));
      else resolve(stdout);
    });
  });
}

/** The last line of a child's output, as JSON. */
function lastJson<T>(stdout: string, what: string): T {
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`${what} printed no result (${JSON.stringify(line.slice(0, 200))})`);
  }
}

export function nodeTraining(): NodeTraining {
  return {
    get cores() {
      const os = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process?.getBuiltinModule?.('node:os') as typeof import('node:os');
      return os.availableParallelism();
    },

    async trainInProcesses(job: TrainingJob, count: number): Promise<TrainingRun[]> {
      const { fileURLToPath } = await import('node:url');
      const { dirname } = await import('node:path');
      // The sources run as .ts (vitest, tsx): their child needs tsx's loader; the package runs dist/…/train-process.js.
      const ts = TS_MODULE.test(new URL(import.meta.url).pathname);
      const entry = fileURLToPath(new URL(`./train-process.${ts ? 'ts' : 'js'}`, import.meta.url));
      const root = dirname(fileURLToPath(packageFile('package.json')));
      const args = [...(ts ? ['--import', 'tsx'] : []), entry, JSON.stringify(job)];
      return Promise.all(Array.from({ length: count }, async () => {
        try {
          return lastJson<TrainingRun>(await run(process.execPath, args, { cwd: root, timeoutS: 3600 }), 'the training process');
        } catch (err) {
          throw new Error(`a training process failed: ${(err as Error).message}`, { cause: err });
        }
      }));
    },

    async torch(python: string | undefined, configs: readonly TrainConfig[], epochs: number, threads: number, device: 'cpu' | 'cuda' = 'cpu') {
      if (!python) return { reason: 'no Python given (--python PATH, an interpreter with torch)' };
      const { fileURLToPath } = await import('node:url');
      const script = fileURLToPath(packageFile('bench/anchors/torch_train.py'));
      const items = configs.map((c) => ({ name: c.name, config: c.config, images: c.images }));
      let stdout: string;
      try {
        stdout = await run(python, [script, 'synthetic', JSON.stringify(items), '--threads', String(threads), '--epochs', String(epochs), '--device', device], { timeoutS: 3600 });
      } catch (err) {
        const why = (err as Error).message;
        if (/No module named .?torch/.test(why)) return { reason: `${python} has no torch (pip install torch)` };
        if (/sees no CUDA device/.test(why)) return { reason: `${python}'s torch sees no CUDA device` };
        return { reason: `${python} ${script} failed: ${why}` };
      }
      const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { images: number; epoch_seconds: number[]; threads: number; torch: string; max_rss_mib: number });
      if (lines.length !== configs.length) return { reason: `${script} printed ${lines.length} results for ${configs.length} configurations` };
      return { figures: lines.map((l): TorchFigures => ({ version: l.torch, threads: l.threads, epochSeconds: l.epoch_seconds, images: l.images, rssMiB: l.max_rss_mib })) };
    },
  };
}
