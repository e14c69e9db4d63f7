// A report run (data.ts) from a study's events, wherever they were read: a journal file, a
// Redis stream, or a study running in a browser tab. Everything is derived from the events, so
// a search still running reports what it has so far.
import { ParetoArchive } from '../pareto/archive.ts';
import type { StudyEvent } from '../study/events.ts';
import type { ReportRun, ReportTrial } from './data.ts';

/** A report run from a study's events; throws an Error naming `where` when there is no study event. */
export function runFromEvents(events: readonly StudyEvent[], where: string): ReportRun {
  const study = events.find((e) => e.type === 'study');
  if (!study || study.type !== 'study') throw new Error(`${where}: no study event (is it a paretonas study?)`);
  const meta = study.meta;
  const asks = new Map<number, { params: ReportTrial['params']; budget?: number }>();
  const trials: ReportTrial[] = [];
  const hvHistory: [number, number, number][] = [];
  const d = meta.objectiveNames.length;
  const archive = new ParetoArchive(d, meta.referencePoint, { maximise: meta.directions.map((x) => x === 'maximize') });
  const numberOfId = new Map<number, number>();
  let last = study.time;
  try {
    for (const ev of events) {
      if (ev.type === 'ask') {
        asks.set(ev.number, { params: ev.params as ReportTrial['params'], budget: ev.budget });
      } else if (ev.type === 'tell') {
        const ask = asks.get(ev.number);
        const seconds = (ev.time - study.time) / 1000;
        last = Math.max(last, ev.time);
        trials.push({ number: ev.number, state: ev.state, params: ask?.params ?? {}, budget: ask?.budget, values: ev.values, metrics: ev.metrics, seconds });
        if (ev.state === 'complete' && ev.values && ev.values.length === d) {
          const id = archive.insert(ev.values);
          if (id >= 0) numberOfId.set(id, ev.number);
        }
        hvHistory.push([trials.length, seconds, archive.hypervolume]);
      }
    }
    const front = Array.from(archive.front().ids, (id) => numberOfId.get(id)!);
    const seed = meta.seed;
    return {
      name: `${meta.method}${seed !== undefined ? ' seed ' + seed : ''}`, dir: where, method: meta.method, seed, problem: meta.problem,
      objectives: meta.objectiveNames, directions: meta.directions, referencePoint: meta.referencePoint,
      hypervolume: archive.hypervolume, elapsedSeconds: (last - study.time) / 1000, hvHistory, front,
      params: meta.space.hyperparameters.map((h) => h.name),
      logParams: meta.space.hyperparameters.filter((h) => (h as { log?: boolean }).log === true).map((h) => h.name),
      trials,
    };
  } finally {
    archive.dispose();
  }
}
