// `paretonas dashboard [DIR | redis://host:port]`: a local web server that lists the studies it
// finds (run directories with a journal under DIR, or the studies of a Redis server) and shows
// one with the views of `report --html`, redrawn within a few seconds of each trial finishing.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { runFromEvents } from '../report/events.ts';
import { dashboardHtml, reportScript } from '../report/html.ts';
import type { StudyEvent } from '../study/events.ts';
import { parseJournal } from '../study/journal.ts';
import { flag, optionHelp, parseArgs, value, type OptionSpec } from './args.ts';
import { CliError } from './errors.ts';

const OPTIONS: OptionSpec[] = [
  { name: 'help', short: 'h', help: 'print this help and exit' },
  { name: 'port', value: true, help: 'port to listen on (default 8750; 0: any free port)' },
  { name: 'host', value: true, help: 'address to listen on (default 127.0.0.1, this machine only)' },
  { name: 'allow-remote', help: 'allow --host to be an address other machines can reach (anyone who can reach it sees the studies)' },
];

export const DASHBOARD_HELP = `Usage: paretonas dashboard [DIR | redis://host:port] [--port N] [--host ADDR --allow-remote]

Serve a page listing the studies found in DIR (default: the current directory; every directory
below it holding a trials.jsonl journal) or on a Redis server, and showing one of them with the
views of 'paretonas report --html': redrawn within 2 s of each trial finishing, searches still
running included. It listens on 127.0.0.1 only, and answers only requests addressed to it by a
loopback name. To reach it from another machine, prefer an SSH tunnel
(ssh -L 8750:127.0.0.1:8750 HOST); --host 0.0.0.0 --allow-remote exposes it to the network.

${optionHelp(OPTIONS)}`;

interface StudyEntry {
  id: string;
  name: string;
  trials: number;
  updated: string;
}

interface Source {
  list(): Promise<StudyEntry[]>;
  events(id: string): Promise<StudyEvent[]>;
  close(): Promise<void>;
}

/** Run directories under `root` (depth <= 4): every directory that holds trials.jsonl. */
function fileSource(root: string): Source {
  const found = (): string[] => {
    const out: string[] = [];
    const walk = (dir: string, depth: number) => {
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        return;
      }
      if (names.includes('trials.jsonl')) out.push(dir);
      if (depth === 0) return;
      for (const n of names) {
        if (n === 'node_modules' || n.startsWith('.')) continue;
        const p = join(dir, n);
        try {
          if (statSync(p).isDirectory()) walk(p, depth - 1);
        } catch {
          // vanished meanwhile
        }
      }
    };
    walk(root, 4);
    return out.sort();
  };
  const read = (dir: string) => parseJournal(readFileSync(join(dir, 'trials.jsonl'), 'utf8'), dir).events;
  return {
    async list() {
      return found().map((dir) => {
        const events = read(dir);
        const study = events.find((e) => e.type === 'study');
        const name = study?.type === 'study' ? `${relative(root, dir) || '.'} (${study.meta.method} on ${study.meta.problem ?? '?'})` : relative(root, dir);
        return { id: relative(root, dir) || '.', name, trials: events.filter((e) => e.type === 'tell').length, updated: statSync(join(dir, 'trials.jsonl')).mtime.toISOString() };
      });
    },
    async events(id) {
      // Polled every 2 s per open page: look at the one directory, not the whole tree.
      const dir = resolve(root, id);
      const rel = relative(root, dir);
      if (rel.startsWith('..') || isAbsolute(rel) || !existsSync(join(dir, 'trials.jsonl'))) throw new Error(`no study '${id}' under ${root}`);
      return read(dir);
    },
    async close() {},
  };
}

/** The studies of a Redis server: the streams paretonas:<study>:events, read without taking locks. */
async function redisSource(url: string): Promise<Source> {
  const { connectRedis, parseRedisUrl } = await import('../study/redis.ts');
  const redis = await connectRedis(parseRedisUrl(url, 'dashboard source'));
  const parse = (entries: [string, string[]][]) => entries.map(([, fields]) => JSON.parse(fields[fields.indexOf('e') + 1]) as StudyEvent);
  const keys = async () => {
    const out: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', 'paretonas:*:events', 'COUNT', 200);
      out.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return out.sort();
  };
  return {
    async list() {
      const out: StudyEntry[] = [];
      for (const key of await keys()) {
        const id = key.slice('paretonas:'.length, -':events'.length);
        const entries = (await redis.xrange(key, '-', '+')) as [string, string[]][];
        const events = parse(entries);
        const first = events[0];
        const trials = events.filter((e) => e.type === 'tell').length;
        const ms = entries.length ? Number(entries[entries.length - 1][0].split('-')[0]) : 0;
        out.push({ id, name: first?.type === 'study' ? `${id} (${first.meta.method} on ${first.meta.problem ?? '?'})` : id, trials, updated: new Date(ms).toISOString() });
      }
      return out;
    },
    async events(id) {
      const entries = (await redis.xrange(`paretonas:${id}:events`, '-', '+')) as [string, string[]][];
      if (entries.length === 0) throw new Error(`no study '${id}' on ${url}`);
      return parse(entries);
    },
    async close() {
      redis.disconnect();
    },
  };
}

/**
 * The pages shipped with the package (the search page, the benchmark page) and what they load,
 * served from the package at their paths in it: the pages' files by name, every WebAssembly module
 * of build/ and every shader of shaders/ (the training kernels fetch theirs by name), and
 * package.json (the benchmark page records the version that measured).
 */
const PACKAGE = new URL('../../', import.meta.url);
const STATIC: Record<string, string> = {
  '/dist/report/search.html': 'text/html; charset=utf-8',
  '/dist/report/search.js': 'text/javascript',
  // the search page's training workers (Flowers, Fashion on the WebAssembly CPU backend)
  '/dist/report/pool-worker.js': 'text/javascript',
  '/dist/report/bench.html': 'text/html; charset=utf-8',
  '/dist/report/bench.js': 'text/javascript',
  '/package.json': 'application/json',
};
const STATIC_PATTERNS: [RegExp, string][] = [
  [/^\/build\/[a-z0-9-]+\.wasm$/, 'application/wasm'],
  [/^\/shaders\/[a-z0-9-]+\.wgsl$/, 'text/plain; charset=utf-8'],
];

/** The content type of a package file the dashboard serves, or undefined for any other path. */
function staticType(pathname: string): string | undefined {
  return STATIC[pathname] ?? STATIC_PATTERNS.find(([re]) => re.test(pathname))?.[1];
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}

export async function dashboardCommand(argv: string[]): Promise<number> {
  const args = parseArgs('dashboard', argv, OPTIONS);
  if (flag(args, 'help')) {
    process.stdout.write(DASHBOARD_HELP + '\n');
    return 0;
  }
  if (args.positionals.length > 1) throw new CliError('give one directory or one redis:// address', 2);
  const target = args.positionals[0] ?? '.';
  const host = value(args, 'host') ?? '127.0.0.1';
  if (host !== 'localhost' && isIP(host) === 0) throw new CliError(`--host must be an IP address or localhost, got '${host}'`);
  if (!isLoopback(host) && !flag(args, 'allow-remote')) {
    throw new CliError(`--host ${host} lets other machines see your studies; add --allow-remote to mean it (or use an SSH tunnel to 127.0.0.1)`);
  }
  const portText = value(args, 'port') ?? '8750';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be an integer in 0..65535, got '${portText}'`);
  let source: Source;
  if (/^rediss?:\/\//.test(target)) {
    source = await redisSource(target);
  } else {
    try {
      if (!statSync(target).isDirectory()) throw new Error('not a directory');
    } catch {
      throw new CliError(`${target} is not a directory (give a directory of runs or a redis:// address)`);
    }
    source = fileSource(resolve(target));
  }
  const page = dashboardHtml(target, reportScript());

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      // On loopback, answer only requests addressed to a loopback name (a page elsewhere cannot
      // reach the studies through DNS rebinding).
      const hostHeader = (req.headers.host ?? '').replace(/:\d+$/, '');
      if (isLoopback(host) && !isLoopback(hostHeader)) {
        res.writeHead(403, { 'content-type': 'text/plain' }).end('this dashboard answers requests to 127.0.0.1 / localhost only\n');
        return;
      }
      const url = new URL(req.url ?? '/', 'http://dashboard');
      try {
        if (url.pathname === '/') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
        } else if (staticType(url.pathname)) {
          const body = await readFile(new URL(`.${url.pathname}`, PACKAGE));
          res.writeHead(200, { 'content-type': staticType(url.pathname)! }).end(body);
        } else if (url.pathname === '/api/studies') {
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(await source.list()));
        } else if (url.pathname === '/api/study') {
          const id = url.searchParams.get('id') ?? '';
          const run = runFromEvents(await source.events(id), id);
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
            .end(JSON.stringify({ generated: new Date().toISOString(), runs: [run] }));
        } else {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        }
      } catch (err) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`${(err as Error).message}\n`);
      }
    })();
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) => fail(new CliError(err.code === 'EADDRINUSE' ? `port ${port} is in use: choose another with --port` : err.message)));
    server.listen(port, host, () => ok());
  });
  const bound = (server.address() as { port: number }).port;
  process.stdout.write(`paretonas dashboard: http://${host.includes(':') ? `[${host}]` : host}:${bound}/ (${target}); Ctrl-C to stop\n`);
  await new Promise<void>((done) => {
    const stop = () => server.close(() => done());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await source.close();
  return 0;
}
