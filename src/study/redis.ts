// A study's events in Redis (`--storage redis://host:port/<study>`): the same events as the
// journal file, one entry each in a Redis Stream (`paretonas:<study>:events`, field `e` = the
// event's JSON), replayed on resume exactly as the file is. One driver at a time: a lock key with
// an expiry (`paretonas:<study>:lock`), refreshed while the driver lives; a live driver's lock is
// refused with a message naming its process, a dead one's expires (or, on the same host, is
// taken over at once). Writes go out in order on one connection; `flush()` resolves once Redis
// has acknowledged every event so far, and the study awaits it after every tell, so a told
// trial is in Redis before the next trial is asked. Durability across a Redis restart is Redis's
// persistence (AOF, README "Searches on Redis").
import type { Redis, RedisOptions } from 'ioredis';
import { hostName, processAlive } from '../platform/process.ts';
import { processId } from '../platform/index.ts';
import type { StudyEvent } from './events.ts';
import type { Storage } from './storage.ts';

/** A parsed `redis://` or `rediss://` address with the study's name as its path. */
export interface RedisAddress {
  options: RedisOptions;
  /** the study's name (the URL's path) */
  study?: string;
  /** the address without its password, for messages */
  display: string;
}

/**
 * Parse `redis[s]://[user[:password]@]host[:port][/study][?db=N]`; `what` names the argument in
 * errors. TLS for `rediss://`.
 */
export function parseRedisUrl(raw: string, what = 'url', needStudy = false): RedisAddress {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new RangeError(`${what} must be a redis://host:port/<study> address, got ${JSON.stringify(raw)}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new RangeError(`${what} must start with redis:// or rediss://, got ${JSON.stringify(raw)}`);
  if (!u.hostname) throw new RangeError(`${what} names no host: ${JSON.stringify(raw)}`);
  const port = u.port ? Number(u.port) : 6379;
  const study = decodeURIComponent(u.pathname.replace(/^\/+/, '')) || undefined;
  if (study !== undefined && !/^[\w.-]{1,200}$/.test(study)) throw new RangeError(`${what}: the study name must be letters, digits, '_', '.' or '-', got ${JSON.stringify(study)}`);
  if (needStudy && !study) throw new RangeError(`${what} must name the study as its path: redis://host:port/<study>, got ${JSON.stringify(raw)}`);
  const db = u.searchParams.get('db');
  if (db !== null && !/^\d+$/.test(db)) throw new RangeError(`${what}: db must be a non-negative integer, got ${JSON.stringify(db)}`);
  const options: RedisOptions = {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db !== null ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: { servername: u.hostname } } : {}),
    // fail fast on an unreachable server instead of queueing commands forever
    maxRetriesPerRequest: 3,
    connectTimeout: 10_000,
    lazyConnect: true,
  };
  const display = `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${study ? `/${study}` : ''}`;
  return { options, study, display };
}

/** Connect, with an error that names the address (not the password) when it fails. */
export async function connectRedis(address: RedisAddress): Promise<Redis> {
  // loaded on first use: the CLI's other commands start without it
  const { Redis } = await import('ioredis');
  const redis = new Redis(address.options);
  // the connection's own errors (TLS, authentication) say more than the failed command's
  let last: Error | undefined;
  redis.on('error', (e: Error) => (last ??= e));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    const why = [last?.message, (err as Error).message].filter((m, i, all) => m && all.indexOf(m) === i).join('; ');
    throw new Error(`cannot reach Redis at ${address.display}: ${why}`);
  }
  return redis;
}

export interface RedisStorageOptions {
  /** lock expiry in ms (default 15 s); the lock is refreshed every third of it */
  lockTtlMs?: number;
  onWarning?: (message: string) => void;
}

// Compare-and-act on the lock: refresh or delete only a lock this process holds.
const REFRESH = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export class RedisStorage implements Storage {
  readonly where: string;
  private readonly events: StudyEvent[];
  private pending: Promise<unknown>[] = [];
  private failure: Error | undefined;
  private readonly timer: ReturnType<typeof setInterval>;
  private closed = false;

  private constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly lockKey: string,
    private readonly token: string,
    ttl: number,
    where: string,
    events: StudyEvent[],
  ) {
    this.where = where;
    this.events = events;
    this.timer = setInterval(() => {
      this.redis.eval(REFRESH, 1, this.lockKey, this.token, String(ttl)).then((ok) => {
        if (ok !== 1) this.failure ??= new Error(`${this.where}: this process lost the study's lock (it expired or was taken over); stop writing`);
      }, (err: Error) => {
        this.failure ??= new Error(`${this.where}: cannot refresh the study's lock: ${err.message}`);
      });
    }, Math.max(50, Math.floor(ttl / 3)));
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Open the study named by `url` (redis://host:port/<study>), taking its lock, and read its events. */
  static async open(url: string, options: RedisStorageOptions = {}): Promise<RedisStorage> {
    const address = parseRedisUrl(url, 'storage', true);
    const ttl = options.lockTtlMs ?? 15_000;
    if (!Number.isInteger(ttl) || ttl < 100) throw new RangeError(`RedisStorage: lockTtlMs must be an integer >= 100, got ${ttl}`);
    const redis = await connectRedis(address);
    const prefix = `paretonas:${address.study}`;
    const lockKey = `${prefix}:lock`;
    const me = { host: hostName(), pid: processId() ?? 0, since: Date.now() };
    const token = JSON.stringify({ ...me, nonce: globalThis.crypto.randomUUID() });
    try {
      let got = await redis.set(lockKey, token, 'PX', ttl, 'NX');
      if (got !== 'OK') {
        const holder = await redis.get(lockKey);
        let owner: { host?: string; pid?: number } = {};
        try {
          owner = JSON.parse(holder ?? '{}');
        } catch {
          // a lock written by something else: treat as foreign
        }
        if (owner.host === me.host && owner.pid !== undefined && owner.pid !== me.pid && !processAlive(owner.pid)) {
          options.onWarning?.(`${address.display}: taking over the lock of process ${owner.pid}, which is no longer running`);
          await redis.eval(RELEASE, 1, lockKey, holder ?? '');
          got = await redis.set(lockKey, token, 'PX', ttl, 'NX');
        }
        if (got !== 'OK') {
          const left = await redis.pttl(lockKey);
          throw new Error(
            `${address.display} is in use by process ${owner.pid ?? '?'} on ${owner.host ?? '?'}; one driver may write a study at a time. ` +
              `If that process is gone, its lock expires within ${Math.max(0, Math.ceil(left / 1000))} s: try again then.`,
          );
        }
      }
      const entries = await redis.xrange(`${prefix}:events`, '-', '+');
      const events = entries.map(([id, fields], i) => {
        const at = fields.indexOf('e');
        if (at < 0 || at % 2 !== 0) throw new Error(`${address.display}: stream entry ${id} (event ${i}) has no field 'e'; is this a paretonas study?`);
        try {
          return JSON.parse(fields[at + 1]) as StudyEvent;
        } catch (err) {
          throw new Error(`${address.display}: stream entry ${id} (event ${i}) is not JSON: ${(err as Error).message}`);
        }
      });
      return new RedisStorage(redis, `${prefix}:events`, lockKey, token, ttl, address.display, events);
    } catch (err) {
      await redis.eval(RELEASE, 1, lockKey, token).catch(() => undefined);
      redis.disconnect();
      throw err;
    }
  }

  load(): StudyEvent[] {
    return this.events.map((e) => structuredClone(e));
  }

  /** Queue the event (in order, on one connection); flush() resolves once Redis has it. */
  append(event: StudyEvent): void {
    if (this.closed) throw new Error(`${this.where}: append after close`);
    if (this.failure) throw this.failure;
    this.events.push(structuredClone(event));
    const p = this.redis.xadd(this.key, '*', 'e', JSON.stringify(event)).catch((err: Error) => {
      this.failure ??= new Error(`${this.where}: an event could not be written: ${err.message}`);
    });
    this.pending.push(p);
  }

  /** Resolves once every event appended so far is in Redis; throws what went wrong if anything did. */
  async flush(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending);
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    try {
      await this.flush();
    } finally {
      await this.redis.eval(RELEASE, 1, this.lockKey, this.token).catch(() => undefined);
      await this.redis.quit().catch(() => this.redis.disconnect());
    }
  }
}
