// Reads run directories of `paretonas search` (summary.json and the journal trials.jsonl) into
// the data of an HTML report.
import { existsSync, readFileSync } from 'node:fs';
import { parseJournal } from '../study/journal.ts';
import type { Summary } from '../study/search.ts';
import type { ReportData, ReportRun, ReportTrial } from './data.ts';

/** One run directory; throws an Error naming the directory when it is not one. */
export function collectRun(dir: string): ReportRun {
  const sp = `${dir}/summary.json`;
  if (!existsSync(sp)) throw new Error(`${dir}: no summary.json (is it a run directory of 'paretonas search'?)`);
  const summary = JSON.parse(readFileSync(sp, 'utf8')) as Summary;
  const jp = `${dir}/trials.jsonl`;
  const trials: ReportTrial[] = [];
  let params: string[] = [];
  if (existsSync(jp)) {
    const asks = new Map<number, { params: ReportTrial['params']; budget?: number }>();
    let start: number | undefined;
    for (const ev of parseJournal(readFileSync(jp, 'utf8'), jp).events) {
      if (ev.type === 'study') {
        start = ev.time;
        params = ev.meta.space.hyperparameters.map((h) => h.name);
      } else if (ev.type === 'ask') {
        asks.set(ev.number, { params: ev.params as ReportTrial['params'], budget: ev.budget });
      } else if (ev.type === 'tell') {
        const ask = asks.get(ev.number);
        trials.push({
          number: ev.number, state: ev.state, params: ask?.params ?? {}, budget: ask?.budget,
          values: ev.values, metrics: ev.metrics, seconds: (ev.time - (start ?? ev.time)) / 1000,
        });
      }
    }
  }
  return {
    name: `${summary.method}${summary.seed !== undefined ? ' seed ' + summary.seed : ''}`,
    dir, method: summary.method, seed: summary.seed, problem: summary.problem,
    objectives: summary.objectives, directions: summary.directions, referencePoint: summary.referencePoint,
    hypervolume: summary.hypervolume, elapsedSeconds: summary.elapsedSeconds, hvHistory: summary.hvHistory,
    front: summary.front.map((p) => p.number), params, trials,
  };
}

export function collectReport(dirs: readonly string[]): ReportData {
  return { generated: new Date().toISOString(), runs: dirs.map(collectRun) };
}
