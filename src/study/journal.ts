// An append-only JSON-lines journal: one event a line, written with a single write() and
// fsync'ed before append() returns, so everything appended survives a kill -9 or a crash.
// A lock file beside it stops a second process from writing into the same journal.
import { closeSync, fsyncSync, openSync, readFileSync, unlinkSync, writeSync, existsSync, mkdirSync, truncateSync } from 'node:fs';
import { dirname } from 'node:path';
import { processId } from '../platform/index.ts';
import { hostName, offProcessExit, onProcessExit, processAlive } from '../platform/process.ts';
import type { StudyEvent } from './events.ts';
import type { Storage } from './storage.ts';

export interface JournalOptions {
  /** fsync after every event (default true): survives power loss, not only process death */
  durable?: boolean;
  /** called with a warning (e.g. a torn last line was dropped, a stale lock was taken over) */
  onWarning?: (message: string) => void;
}

/**
 * Parse journal text. A torn (unparsable) last line is reported and left out (opening the
 * journal for writing then cuts it off); any other bad line is an error naming it.
 */
export function parseJournal(text: string, where: string, onWarning?: (m: string) => void): { events: StudyEvent[]; validBytes: number } {
  const events: StudyEvent[] = [];
  let pos = 0;
  let line = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    const raw = text.slice(pos, end);
    line++;
    if (raw.trim() !== '') {
      let ev: StudyEvent | undefined;
      try {
        ev = JSON.parse(raw) as StudyEvent;
      } catch {
        ev = undefined;
      }
      if (ev === undefined || typeof ev !== 'object' || ev === null || typeof (ev as { type?: unknown }).type !== 'string') {
        if (nl < 0 || text.slice(nl + 1).trim() === '') {
          onWarning?.(`${where}: line ${line} is torn (the process writing it stopped mid-line); it is ignored`);
          return { events, validBytes: pos };
        }
        throw new Error(`${where}: line ${line} is corrupted (not a JSON event): ${raw.slice(0, 80)}`);
      }
      events.push(ev);
    }
    pos = nl < 0 ? text.length : nl + 1;
  }
  return { events, validBytes: text.length };
}

export class JournalStorage implements Storage {
  readonly where: string;
  private fd: number;
  private readonly lockPath: string;
  private readonly durable: boolean;
  private readonly existing: StudyEvent[];
  private readonly releaseOnExit = () => this.releaseLock();

  /** Open (creating if needed) the journal at `path` and take its lock. */
  constructor(readonly path: string, options: JournalOptions = {}) {
    this.where = path;
    this.durable = options.durable ?? true;
    this.lockPath = `${path}.lock`;
    mkdirSync(dirname(path), { recursive: true });
    this.takeLock(options.onWarning);
    try {
      const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
      const { events, validBytes } = parseJournal(text, path, options.onWarning);
      this.existing = events;
      const validLength = Buffer.byteLength(text.slice(0, validBytes), 'utf8');
      if (validBytes < text.length) truncateSync(path, validLength); // drop the torn fragment
      this.fd = openSync(path, 'a');
      if (validBytes > 0 && !text.slice(0, validBytes).endsWith('\n')) writeSync(this.fd, '\n');
    } catch (err) {
      this.releaseLock();
      throw err;
    }
    onProcessExit(this.releaseOnExit);
  }

  private takeLock(onWarning?: (m: string) => void): void {
    const me = JSON.stringify({ pid: processId(), host: hostName(), time: new Date().toISOString() });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(this.lockPath, 'wx');
        writeSync(fd, me);
        closeSync(fd);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        let owner: { pid?: number; host?: string } = {};
        try {
          owner = JSON.parse(readFileSync(this.lockPath, 'utf8'));
        } catch {
          owner = {};
        }
        const sameHost = owner.host === hostName();
        if (owner.pid !== undefined && sameHost && !processAlive(owner.pid)) {
          onWarning?.(`${this.path}: taking over the lock of process ${owner.pid}, which is no longer running`);
          unlinkSync(this.lockPath);
          continue;
        }
        throw new Error(
          `${this.path} is in use by process ${owner.pid ?? '?'} on ${owner.host ?? '?'} (lock file ${this.lockPath}); ` +
            'two processes must not write one journal. If that process is gone, delete the lock file.',
        );
      }
    }
  }

  private releaseLock(): void {
    try {
      unlinkSync(this.lockPath);
    } catch {
      // already gone
    }
  }

  load(): StudyEvent[] {
    return this.existing.map((e) => structuredClone(e));
  }

  append(event: StudyEvent): void {
    if (this.fd < 0) throw new Error(`${this.path}: journal is closed`);
    writeSync(this.fd, JSON.stringify(event) + '\n');
    if (this.durable) fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
      this.releaseLock();
      offProcessExit(this.releaseOnExit);
    }
  }
}
