// `paretonas worker --queue redis://host:port`: evaluate the trials drivers hand to the queue
// (src/study/queue.ts) until stopped (Ctrl-C finishes the running jobs first).
import { runWorker } from '../study/queue.ts';
import { flag, optionHelp, parseArgs, value, type OptionSpec } from './args.ts';
import { CliError } from './errors.ts';

const OPTIONS: OptionSpec[] = [
  { name: 'help', short: 'h', help: 'print this help and exit' },
  { name: 'queue', value: true, help: 'the queue: redis://[user:password@]host:port (rediss:// for TLS)' },
  { name: 'concurrency', value: true, help: 'jobs at once (default 1; on the CPU backend one per core)' },
  { name: 'problem', value: true, help: 'take only this problem\'s jobs, and load its data before taking any (a worker that cannot load it exits)' },
  { name: 'data-dir', value: true, help: 'data directory of flowers/fashion on this machine (problem option dataDir)' },
  { name: 'device', value: true, help: 'where flowers/fashion train on this machine: auto, webgpu or wasm' },
  { name: 'stall-seconds', value: true, help: 'seconds without a lock renewal after which a job goes to another worker (default 30)' },
  { name: 'quiet', short: 'q', help: 'no log lines' },
];

export function workerHelp(): string {
  return `Usage: paretonas worker --queue redis://host:port [OPTIONS]

Evaluate the trials that searches started with --queue hand out, until stopped. Workers hold no
state: any number may run on any machines that have the data. A job carries data only and is
validated against its problem's space before it runs.

${optionHelp(OPTIONS)}`;
}

const DEVICES = ['auto', 'webgpu', 'wasm'];

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`--${name} must be a positive integer, got '${v}'`, 2);
  return n;
}

export async function workerCommand(argv: string[]): Promise<number> {
  const args = parseArgs('worker', argv, OPTIONS);
  if (flag(args, 'help')) {
    process.stdout.write(workerHelp() + '\n');
    return 0;
  }
  const url = value(args, 'queue');
  if (!url) throw new CliError('--queue redis://host:port is required', 2);
  const device = value(args, 'device');
  if (device !== undefined && !DEVICES.includes(device)) throw new CliError(`--device must be one of ${DEVICES.join(', ')}, got '${device}'`, 2);
  const stallText = value(args, 'stall-seconds');
  const quiet = flag(args, 'quiet');
  const log = (line: string) => {
    if (!quiet) process.stderr.write(`paretonas worker: ${line}\n`);
  };
  let w: Awaited<ReturnType<typeof runWorker>>;
  try {
    w = await runWorker(url, {
      concurrency: positiveInt('concurrency', value(args, 'concurrency')),
      problem: value(args, 'problem'),
      stallSeconds: stallText === undefined ? undefined : Number(stallText),
      overrides: { ...(value(args, 'data-dir') ? { dataDir: value(args, 'data-dir') } : {}), ...(device ? { device } : {}) },
      onLog: log,
      // this machine cannot run a job's problem: stop (the job goes to another worker when its lock lapses)
      onFatal: () => setTimeout(() => process.exit(1), 50),
    });
  } catch (err) {
    throw new CliError(`cannot start: ${(err as Error).message}`);
  }
  log(`taking jobs from ${url.replace(/\/\/[^@/]*@/, '//')}`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      log('stopping: finishing the running jobs');
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await w.close();
  return 0;
}
