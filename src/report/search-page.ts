// The search page (dist/report/search.html): a multi-objective search that runs in the browser
// tab. The person picks a synthetic problem, a method, a budget and a seed; the study runs here
// (the package's Study and optimizers, the WebAssembly kernels fetched beside the page) and the
// report's views grow as trials finish. The journal can be downloaded (the JSON-lines format of
// trials.jsonl, which `paretonas report` and the dashboard read) and opened again in the page.
import { getMethod, methodOptions } from '../optimizers/index.ts';
import { BraninCurrin, Dtlz2, Zdt1, Zdt2, Zdt3 } from '../problems/synthetic.ts';
import type { Problem } from '../problems/types.ts';
import type { StudyEvent } from '../study/events.ts';
import { MemoryStorage } from '../study/storage.ts';
import { Study } from '../study/study.ts';
import { runFromEvents } from './events.ts';
import { render } from './views.ts';

/** The problems this page offers: the synthetic ones (no data files, no training). */
const PROBLEMS: Record<string, () => Problem> = {
  branincurrin: () => new BraninCurrin(),
  zdt1: () => new Zdt1(),
  zdt2: () => new Zdt2(),
  zdt3: () => new Zdt3(),
  dtlz2: () => new Dtlz2(),
};
/** The methods that run on them here (Bulk & Cut needs the CNN problems). */
const METHODS = ['random', 'mobohb', 'msehvi', 'mobananas', 'shemoa', 'nsga2'];

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let events: StudyEvent[] = [];
let running: AbortController | undefined;

function show(status: string): void {
  byId('status').textContent = status;
}

function draw(): void {
  if (events.some((e) => e.type === 'tell')) {
    const run = runFromEvents(events, 'this tab');
    render({ generated: new Date().toISOString(), runs: [run] });
  }
}

async function start(): Promise<void> {
  const problemName = byId<HTMLSelectElement>('problem').value;
  const method = byId<HTMLSelectElement>('method').value;
  const budget = Number(byId<HTMLInputElement>('budget').value);
  const seed = Number(byId<HTMLInputElement>('seed').value);
  if (!Number.isInteger(budget) || budget < 1) return show(`budget must be a positive integer, got '${byId<HTMLInputElement>('budget').value}'`);
  if (!Number.isInteger(seed) || seed < 0) return show(`seed must be a non-negative integer, got '${byId<HTMLInputElement>('seed').value}'`);
  const problem = PROBLEMS[problemName]();
  const storage = new MemoryStorage();
  const study = Study.create({
    space: problem.space,
    directions: problem.objectives.map((o) => o.direction),
    objectiveNames: problem.objectives.map((o) => o.name),
    referencePoint: [...problem.referencePoint],
    method, methodOptions: methodOptions(method, undefined, {}), seed, problem: problemName,
    minBudget: problem.minBudget, maxBudget: problem.maxBudget, storage,
    onWarning: (m) => show(m),
  }, (ctx, meta) => getMethod(method).create(ctx, meta.methodOptions ?? {}));
  running = new AbortController();
  byId<HTMLButtonElement>('run').disabled = true;
  byId<HTMLButtonElement>('stop').disabled = false;
  let told = 0, lastDraw = 0;
  events = storage.load();
  try {
    await study.optimize(async (trial) => {
      const r = await problem.evaluate(trial.params, { budget: trial.budget, seed: seed * 100_003 + trial.number });
      // Let the page breathe between trials (and redraw at most every 250 ms).
      await new Promise((ok) => setTimeout(ok, 0));
      return { values: r.values, metrics: r.metrics };
    }, {
      maxEvaluations: budget, signal: running.signal,
      onTrial: () => {
        told++;
        events = storage.load();
        show(`${method} on ${problemName}: ${told} of ${budget} trials`);
        if (performance.now() - lastDraw > 250) {
          lastDraw = performance.now();
          draw();
        }
      },
    });
  } finally {
    events = storage.load();
    draw();
    byId<HTMLButtonElement>('run').disabled = false;
    byId<HTMLButtonElement>('stop').disabled = true;
    byId<HTMLButtonElement>('download').disabled = false;
    show(`${method} on ${problemName}: finished, ${events.filter((e) => e.type === 'tell').length} trials`);
  }
}

function download(): void {
  const text = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
  a.download = 'trials.jsonl';
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

async function open(file: File): Promise<void> {
  const text = await file.text();
  const parsed: StudyEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    try {
      parsed.push(JSON.parse(lines[i]) as StudyEvent);
    } catch (err) {
      if (i >= lines.length - 2) break; // a torn last line, as the journal reader allows
      return show(`${file.name}: line ${i + 1} is not JSON: ${(err as Error).message}`);
    }
  }
  try {
    runFromEvents(parsed, file.name);
  } catch (err) {
    return show((err as Error).message);
  }
  events = parsed;
  draw();
  byId<HTMLButtonElement>('download').disabled = false;
  show(`${file.name}: ${events.filter((e) => e.type === 'tell').length} trials`);
}

function main(): void {
  const problem = byId<HTMLSelectElement>('problem'), method = byId<HTMLSelectElement>('method');
  for (const p of Object.keys(PROBLEMS)) problem.append(new Option(p, p));
  for (const m of METHODS) method.append(new Option(m, m));
  byId('run').addEventListener('click', () => void start().catch((err: Error) => show(`the search stopped: ${err.message}`)));
  byId('stop').addEventListener('click', () => running?.abort());
  byId('download').addEventListener('click', download);
  byId<HTMLInputElement>('open').addEventListener('change', (ev) => {
    const f = (ev.target as HTMLInputElement).files?.[0];
    if (f) void open(f);
  });
  (window as unknown as { paretonasSearch: unknown }).paretonasSearch = { events: () => events };
  show('Pick a problem, a method and a budget, then Run.');
}

main();
