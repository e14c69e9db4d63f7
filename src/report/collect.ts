// The data of a report (data.ts) from run directories of `paretonas search` (their journals).
import { existsSync, readFileSync } from 'node:fs';
import { parseJournal } from '../study/journal.ts';
import type { ReportData, ReportRun } from './data.ts';
import { runFromEvents } from './events.ts';

/** A run directory of `paretonas search`; throws an Error naming the directory when it is not one. */
export function collectRun(dir: string): ReportRun {
  const jp = `${dir}/trials.jsonl`;
  if (!existsSync(jp)) throw new Error(`${dir}: no trials.jsonl (is it a run directory of 'paretonas search'?)`);
  return runFromEvents(parseJournal(readFileSync(jp, 'utf8'), jp).events, dir);
}

export function collectReport(dirs: readonly string[]): ReportData {
  return { generated: new Date().toISOString(), runs: dirs.map(collectRun) };
}
