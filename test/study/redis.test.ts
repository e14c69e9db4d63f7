// Studies kept in a real Redis server (Debian's redis-server, started by the test on a free
// port with AOF): the same trials as the journal file, resume, one driver at a time with a
// stale lock taken over, nothing told lost across a Redis restart or a driver's kill -9, export
// both ways, and clear errors for bad addresses.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudyEvent } from '../../src/study/events.ts';
import { JournalStorage } from '../../src/study/journal.ts';
import { parseRedisUrl, RedisStorage } from '../../src/study/redis.ts';
import { runSearch } from '../../src/study/search.ts';
import { freePort, startRedis, type RedisServer } from '../helpers/redis.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/paretonas.js');
const dir = mkdtempSync(join(tmpdir(), 'paretonas-redis-study-'));

let server: RedisServer | undefined;
let skip: string | undefined;
beforeAll(async () => {
  ({ server, skip } = await startRedis());
});
afterAll(async () => {
  await server?.stop();
});

const trace = (events: StudyEvent[]) => events.filter((e) => e.type === 'ask' || e.type === 'tell').map((e) => {
  if (e.type === 'ask') return { ask: e.number, params: e.params, budget: e.budget };
  return { tell: e.number, state: e.state, values: e.values };
});

async function load(url: string): Promise<StudyEvent[]> {
  const s = await RedisStorage.open(url);
  try {
    return s.load();
  } finally {
    await s.close();
  }
}

const search = (out: string, extra: Record<string, unknown>) => runSearch({ problem: 'zdt1', method: 'random', seed: 4, out, onWarning: () => {}, ...extra });

describe('studies in Redis', () => {
  it('hold the same trials as a journal file, and resume from Redis as from the file', async (ctx) => {
    if (!server) return ctx.skip(skip);
    const url = `${server.url}/same`;
    await search(join(dir, 'r1'), { storage: url, maxEvaluations: 30 });
    await search(join(dir, 'r1'), { storage: url, maxEvaluations: 60, resume: true });
    await search(join(dir, 'f1'), { maxEvaluations: 60 });
    const file = new JournalStorage(join(dir, 'f1', 'trials.jsonl'));
    const fromFile = file.load();
    file.close();
    const fromRedis = await load(url);
    expect(trace(fromRedis)).toEqual(trace(fromFile));
    expect(fromRedis.filter((e) => e.type === 'session').length).toBe(2);
  });

  it('admit one driver at a time; a dead driver\'s lock is taken over, a foreign one expires', async (ctx) => {
    if (!server) return ctx.skip(skip);
    const url = `${server.url}/locked`;
    const a = await RedisStorage.open(url);
    await expect(RedisStorage.open(url)).rejects.toThrow(/is in use by process \d+ on .*one driver may write a study at a time.*expires within \d+ s/);
    await a.close();
    const b = await RedisStorage.open(url);
    await b.close();
    // a driver killed with -9 on this host: its lock is taken over at once, with a warning
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', `
      const { RedisStorage } = await import(${JSON.stringify(join(root, 'src/study/redis.ts'))});
      await RedisStorage.open(${JSON.stringify(url)}, { lockTtlMs: 60000 });
      process.stdout.write('locked\\n');
      setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'], cwd: root });
    await new Promise<void>((resolve) => child.stdout!.on('data', (d) => /locked/.test(String(d)) && resolve()));
    await expect(RedisStorage.open(url)).rejects.toThrow(/is in use by process/);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const warnings: string[] = [];
    const c = await RedisStorage.open(url, { onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(/taking over the lock of process \d+, which is no longer running/)]);
    await c.close();
    // a lock of another host cannot be probed: refused until it expires
    const r = new Redis(server.port, '127.0.0.1');
    await r.set('paretonas:locked:lock', JSON.stringify({ host: 'elsewhere', pid: 1 }), 'PX', 400);
    await expect(RedisStorage.open(url)).rejects.toThrow(/in use by process 1 on elsewhere/);
    await new Promise((res) => setTimeout(res, 500));
    await (await RedisStorage.open(url)).close();
    r.disconnect();
  });

  it('lose nothing told across a Redis restart (AOF), a Redis kill -9 (fsync always) and a driver kill -9', async (ctx) => {
    if (!server) return ctx.skip(skip);
    const url = `${server.url}/durable`;
    await search(join(dir, 'd1'), { storage: url, maxEvaluations: 25 });
    const before = await load(url);
    await server.restart('SIGTERM');
    expect(await load(url)).toEqual(before);
    await server.restart('SIGKILL');
    expect(await load(url)).toEqual(before);
    // the driver killed mid-run; resumed, it keeps every finished trial and repeats none
    const out = join(dir, 'd2'), url2 = `${server.url}/killed`;
    const child = spawn(process.execPath, [bin, 'search', '--problem', 'zdt1', '--method', 'mobohb', '--max-evals', '3000', '--seed', '3', '--out', out, '--storage', url2, '-q',
      '--method-options', '{"nInit": 10, "minPointsInModel": 10}'], { stdio: 'ignore' });
    const r = new Redis(server.port, '127.0.0.1');
    for (let i = 0; i < 600 && (await r.xlen('paretonas:killed:events')) < 300; i++) await new Promise((res) => setTimeout(res, 50));
    child.kill('SIGKILL');
    await new Promise((res) => child.on('exit', res));
    r.disconnect();
    const told = new Map<number, StudyEvent>();
    for (const e of await load(url2)) if (e.type === 'tell') told.set(e.number, e);
    expect(told.size).toBeGreaterThan(100);
    const res = spawnSync(process.execPath, [bin, 'search', '--resume', '--out', out, '--storage', url2, '--max-evals', '3000', '-q'], { encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    const after = await load(url2);
    const tells = after.filter((e) => e.type === 'tell') as Extract<StudyEvent, { type: 'tell' }>[];
    expect(new Set(tells.map((t) => t.number)).size).toBe(3000);
    expect(tells.length).toBe(3000);
    for (const [n, e] of told) expect(tells.filter((t) => t.number === n)).toEqual([e]);
  });

  it('export a study from Redis to a journal file and back', async (ctx) => {
    if (!server) return ctx.skip(skip);
    const url = `${server.url}/exported`;
    await search(join(dir, 'e1'), { storage: url, maxEvaluations: 12 });
    const file = join(dir, 'e1-copy.jsonl');
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'export', ...args], { encoding: 'utf8' });
    let r = run(url, file);
    expect(r.status, r.stderr).toBe(0);
    r = run(file, `${server.url}/imported`);
    expect(r.status, r.stderr).toBe(0);
    expect(await load(`${server.url}/imported`)).toEqual(await load(url));
    r = run(file, `${server.url}/imported`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/already holds a study/);
    // a study moved into Redis continues there
    const cont = await search(join(dir, 'e1'), { storage: `${server.url}/imported`, maxEvaluations: 20, resume: true });
    expect(cont.study.trials.length).toBe(20);
  });

  it('reject bad addresses with the argument named', async (ctx) => {
    expect(() => parseRedisUrl('http://127.0.0.1/x', 'storage')).toThrow(/storage must start with redis:\/\/ or rediss:\/\//);
    expect(() => parseRedisUrl('redis://127.0.0.1:6379', 'storage', true)).toThrow(/storage must name the study/);
    expect(() => parseRedisUrl('redis://127.0.0.1/a b', 'storage')).toThrow(/study name must be/);
    const tls = parseRedisUrl('rediss://user:s3cret@example.org:6380/s', 'storage');
    expect(tls.options).toMatchObject({ host: 'example.org', port: 6380, username: 'user', password: 's3cret', tls: { servername: 'example.org' } });
    expect(tls.display).not.toMatch(/s3cret/);
    if (!server) return ctx.skip(skip);
    await expect(RedisStorage.open('redis://127.0.0.1:1/x')).rejects.toThrow(/cannot reach Redis at redis:\/\/127.0.0.1:1\/x/);
    const r = spawnSync(process.execPath, [bin, 'search', '--problem', 'zdt1', '--method', 'random', '--out', join(dir, 'bad'), '--storage', 'redis://127.0.0.1'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/storage must name the study/);
  });

  it('run over TLS with a password (rediss://): storage, queue and worker; a wrong CA or password is a clear error', async (ctx) => {
    const tls = mkdtempSync(join(tmpdir(), 'paretonas-tls-'));
    const ssl = (...args: string[]) => spawnSync('openssl', args, { cwd: tls, encoding: 'utf8' });
    if (ssl('version').status !== 0) return ctx.skip('skipped: openssl is not installed (needed to make the test certificates)');
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=paretonas test CA');
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=localhost');
    writeFileSync(join(tls, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1');
    expect(ssl('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '2', '-extfile', 'ext.cnf').status).toBe(0);
    if (!server) return ctx.skip(skip);
    const port = await freePort();
    const redis = spawn('redis-server', ['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--tls-cert-file', 'srv.pem', '--tls-key-file', 'srv.key',
      '--tls-ca-cert-file', 'ca.pem', '--tls-auth-clients', 'no', '--requirepass', 's3cret', '--save', ''], { cwd: tls, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    redis.stdout!.on('data', (d) => (log += d));
    for (let i = 0; i < 200 && !/Ready to accept/.test(log); i++) await new Promise((r) => setTimeout(r, 25));
    if (/not built with TLS|unrecognized|Bad directive/i.test(log)) {
      redis.kill();
      return ctx.skip('skipped: this redis-server was built without TLS');
    }
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: join(tls, 'ca.pem') };
    const url = `rediss://:s3cret@localhost:${port}`;
    const w = spawn(process.execPath, [bin, 'worker', '--queue', url], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      await new Promise<void>((resolve) => w.stderr!.on('data', (d) => /taking jobs/.test(String(d)) && resolve()));
      const out = join(dir, 'tls');
      const r = spawnSync(process.execPath, [bin, 'search', '-q', '--problem', 'zdt1', '--method', 'random', '--max-evals', '10', '--out', out, '--storage', `${url}/tls`, '--queue', url], { env, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const told = spawnSync(process.execPath, [bin, 'export', `${url}/tls`, join(out, 'copy.jsonl')], { env, encoding: 'utf8' });
      expect(told.status, told.stderr).toBe(0);
      expect(readFileSync(join(out, 'copy.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"tell"')).length).toBe(10);
      const noCa = spawnSync(process.execPath, [bin, 'search', '-q', '--problem', 'zdt1', '--method', 'random', '--max-evals', '1', '--out', join(dir, 'tls2'), '--storage', `${url}/tls2`], { encoding: 'utf8' });
      expect(noCa.stderr).toMatch(/cannot reach Redis at rediss:\/\/localhost:\d+\/tls2: self-signed certificate/);
      const badPw = spawnSync(process.execPath, [bin, 'search', '-q', '--problem', 'zdt1', '--method', 'random', '--max-evals', '1', '--out', join(dir, 'tls3'), '--storage', `rediss://:wrong@localhost:${port}/tls3`], { env, encoding: 'utf8' });
      expect(badPw.stderr).toMatch(/WRONGPASS/);
      expect(badPw.stderr).not.toMatch(/wrong@/);
    } finally {
      w.kill('SIGKILL');
      redis.kill('SIGKILL');
    }
  });
});
