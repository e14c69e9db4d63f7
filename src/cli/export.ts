// `paretonas export FROM TO`: copy a study's events between a journal file and Redis (either way,
// or file to file), e.g. to take a Redis-held study home as trials.jsonl, or to move a file's
// study into Redis and continue it there with `search --resume --storage redis://...`.
import { JournalStorage } from '../study/journal.ts';
import { RedisStorage } from '../study/redis.ts';
import type { Storage } from '../study/storage.ts';
import { flag, optionHelp, parseArgs, type OptionSpec } from './args.ts';
import { CliError } from './errors.ts';

const OPTIONS: OptionSpec[] = [{ name: 'help', short: 'h', help: 'print this help and exit' }];

export function exportHelp(): string {
  return `Usage: paretonas export FROM TO

Copy a study's events from FROM to TO, each a journal file (a run's trials.jsonl) or a Redis
address redis://[user:password@]host:port/<study> (rediss:// for TLS). TO must hold no study.
Both are locked while copying, so a study a driver is writing is refused.

${optionHelp(OPTIONS)}`;
}

const isRedis = (s: string) => /^rediss?:\/\//.test(s);

async function open(where: string): Promise<Storage> {
  return isRedis(where) ? RedisStorage.open(where) : new JournalStorage(where);
}

export async function exportCommand(argv: string[]): Promise<number> {
  const args = parseArgs('export', argv, OPTIONS);
  if (flag(args, 'help')) {
    process.stdout.write(exportHelp() + '\n');
    return 0;
  }
  if (args.positionals.length !== 2) throw new CliError('FROM and TO are required (a journal file or redis://host:port/<study> each)', 2);
  const [from, to] = args.positionals;
  let src: Storage | undefined, dst: Storage | undefined;
  try {
    src = await open(from);
    const events = src.load();
    if (events.length === 0) throw new CliError(`${src.where} holds no study`);
    dst = await open(to);
    if (dst.load().length > 0) throw new CliError(`${dst.where} already holds a study; choose another destination`);
    for (const e of events) dst.append(e);
    await dst.flush?.();
    process.stderr.write(`paretonas export: ${events.length} events from ${src.where} to ${dst.where}\n`);
    return 0;
  } catch (err) {
    if (err instanceof Error && /cannot reach Redis|is in use by|holds no study|must /.test(err.message) && !(err instanceof CliError)) throw new CliError(err.message);
    throw err;
  } finally {
    await src?.close();
    await dst?.close();
  }
}
