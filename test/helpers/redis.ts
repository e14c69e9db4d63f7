// A real Redis server for the tests: Debian's redis-server on 127.0.0.1 at a free port, with
// AOF persistence (fsync on every write) in a temporary folder, restartable on the same data.
// Where redis-server is not installed the Redis tests skip and say so; in CI (which installs it)
// its absence is a failure.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  port: number;
  /** redis://127.0.0.1:port */
  url: string;
  dir: string;
  /** SIGTERM (Redis writes out and exits) or SIGKILL, then start again on the same data */
  restart(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export async function startRedis(): Promise<{ server?: RedisServer; skip?: string }> {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    if (process.env.CI) throw new Error('redis-server is not installed (CI installs Debian\'s redis-server)');
    const skip = 'skipped: redis-server is not installed (apt-get install redis-server)';
    console.warn(skip);
    return { skip };
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'paretonas-redis-'));
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
      child!.stdout!.on('data', (d) => {
        out += d;
        if (/Ready to accept connections/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child!.on('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
    });
  };
  const halt = async (signal: 'SIGTERM' | 'SIGKILL') => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.on('exit', r));
    c.kill(signal);
    await exited;
  };
  await launch();
  return {
    server: {
      port, dir, url: `redis://127.0.0.1:${port}`,
      restart: async (signal = 'SIGTERM') => {
        await halt(signal);
        await launch();
      },
      stop: () => halt('SIGTERM'),
    },
  };
}
