import { appendFileSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalStorage, parseJournal } from '../../src/study/journal.ts';
import type { StudyEvent } from '../../src/study/events.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'paretonas-journal-'));
const ev = (n: number): StudyEvent => ({ type: 'ask', time: n, number: n, params: { x: n } });

describe('JournalStorage', () => {
  it('appends one JSON line per event and reads them back after reopening', () => {
    const p = join(dir(), 'trials.jsonl');
    const j = new JournalStorage(p);
    expect(j.load()).toEqual([]);
    for (let i = 0; i < 5; i++) j.append(ev(i));
    j.close();
    expect(readFileSync(p, 'utf8').trim().split('\n').map((l) => JSON.parse(l))).toEqual([0, 1, 2, 3, 4].map(ev));
    const again = new JournalStorage(p);
    expect(again.load()).toEqual([0, 1, 2, 3, 4].map(ev));
    again.close();
  });

  it('tolerates and reports a torn last line, then appends on a fresh line', () => {
    const p = join(dir(), 'trials.jsonl');
    writeFileSync(p, JSON.stringify(ev(0)) + '\n' + JSON.stringify(ev(1)).slice(0, 9));
    const warnings: string[] = [];
    const j = new JournalStorage(p, { onWarning: (m) => warnings.push(m) });
    expect(j.load()).toEqual([ev(0)]);
    expect(warnings.join()).toMatch(/line 2 is torn/);
    j.append(ev(2));
    j.close();
    // the torn fragment was cut off: the journal reads cleanly, the new event on line 2
    expect(readFileSync(p, 'utf8').split('\n').length).toBe(3);
    expect(parseJournal(readFileSync(p, 'utf8'), p).events).toEqual([ev(0), ev(2)]);
  });

  it('names the line of a corrupted event that is not the last', () => {
    const p = join(dir(), 'trials.jsonl');
    writeFileSync(p, `${JSON.stringify(ev(0))}\n{"oops"\n${JSON.stringify(ev(2))}\n`);
    expect(() => new JournalStorage(p)).toThrow(/trials\.jsonl: line 2 is corrupted/);
    expect(existsSync(`${p}.lock`)).toBe(false);
  });

  it('refuses a second writer while the first holds the lock, and takes over a stale lock', async () => {
    const p = join(dir(), 'trials.jsonl');
    const a = new JournalStorage(p);
    expect(() => new JournalStorage(p)).toThrow(/in use by process \d+/);
    a.close();
    // A lock left by a process that no longer exists (pid 2^22 + 1 is beyond Linux's default pid_max).
    writeFileSync(`${p}.lock`, JSON.stringify({ pid: 4194305, host: (await import('node:os')).hostname() }));
    const warnings: string[] = [];
    const b = new JournalStorage(p, { onWarning: (m) => warnings.push(m) });
    expect(warnings.join()).toMatch(/taking over the lock of process 4194305/);
    b.append(ev(0));
    b.close();
    appendFileSync(p, '');
    expect(existsSync(`${p}.lock`)).toBe(false);
  });
});
