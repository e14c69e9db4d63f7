// The search page (dist/report/search.html): a multi-objective search that runs in the browser
// tab. The person picks a problem (a synthetic one, or Flowers / Fashion-MNIST from data files
// they choose), a method, a budget and a seed; the study runs here (the package's Study and
// optimizers, the WebAssembly kernels fetched beside the page) and the report's views grow as
// trials finish. The CNN problems train on the browser's WebGPU where it has a hardware adapter
// (or when asked), otherwise on the WebAssembly CPU backend in Web Workers, one training per
// worker (dist/report/pool-worker.js). The journal can be downloaded (the JSON-lines format of
// trials.jsonl, which `paretonas report` and the dashboard read) and opened again in the page.
import { getMethod, methodOptions } from '../optimizers/index.ts';
import { probeHardwareAdapter } from '../platform/gpu.ts';
import { availableParallelism } from '../platform/worker.ts';
import { CnnProblem, type CnnProblemOptions } from '../problems/cnn.ts';
import { PooledProblem } from '../problems/pool.ts';
import { BraninCurrin, Dtlz2, Zdt1, Zdt2, Zdt3 } from '../problems/synthetic.ts';
import type { Problem } from '../problems/types.ts';
import type { StudyEvent } from '../study/events.ts';
import { MemoryStorage } from '../study/storage.ts';
import { Study } from '../study/study.ts';
import { runFromEvents } from './events.ts';
import { render } from './views.ts';

/** The synthetic problems (no data files, no training). */
const SYNTHETIC: Record<string, () => Problem> = {
  branincurrin: () => new BraninCurrin(),
  zdt1: () => new Zdt1(),
  zdt2: () => new Zdt2(),
  zdt3: () => new Zdt3(),
  dtlz2: () => new Dtlz2(),
};
/** The CNN problems and the files each needs (as the package's loaders name them). */
const CNN: Record<string, string[]> = {
  flowers: ['x_train.npy', 'y_train.npy', 'x_val.npy', 'y_val.npy', 'x_test.npy', 'y_test.npy'],
  fashion: ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'],
};
/** The methods that run here (Bulk & Cut trains children from saved model files, which a tab does not keep). */
const METHODS = ['random', 'mobohb', 'msehvi', 'mobananas', 'shemoa', 'nsga2'];

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let events: StudyEvent[] = [];
let running: AbortController | undefined;
/** What the page is doing (tests and scripts wait on it): 'idle', 'running', 'finished' or 'failed: why'. */
let state = 'idle';

function show(status: string): void {
  byId('status').textContent = status;
}

function draw(): void {
  if (events.some((e) => e.type === 'tell')) {
    const run = runFromEvents(events, 'this tab');
    render({ generated: new Date().toISOString(), runs: [run] });
  }
}

/** A field's value as an integer in [min, max], or undefined when empty; throws naming the field. */
function intField(id: string, label: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const text = byId<HTMLInputElement>(id).value.trim();
  if (text === '') return undefined;
  const v = Number(text);
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${label} must be an integer in [${min}, ${max}], got '${text}'`);
  return v;
}

/** The chosen data files, by name; throws naming the files the problem still needs. */
async function dataFiles(problem: string): Promise<Record<string, Uint8Array>> {
  const picked = Array.from(byId<HTMLInputElement>('data').files ?? []);
  const need = CNN[problem];
  const byName = new Map(picked.map((f) => [f.name, f]));
  const missing = need.filter((n) => !byName.has(n));
  if (missing.length > 0) throw new RangeError(`data files: ${problem} needs ${need.join(', ')}; missing ${missing.join(', ')}`);
  const out: Record<string, Uint8Array> = {};
  for (const n of need) out[n] = new Uint8Array(await byName.get(n)!.arrayBuffer());
  return out;
}

interface Opened {
  problem: Problem;
  /** trials at once */
  concurrency: number;
  /** what the journal keeps of the problem's options (the data files stay out) */
  journalled?: Record<string, unknown>;
  describe: string;
}

/** Make the chosen problem: a synthetic one here, a CNN one on WebGPU here or in a worker pool. */
async function openProblem(name: string, method: string): Promise<Opened> {
  if (SYNTHETIC[name]) return { problem: SYNTHETIC[name](), concurrency: 1, describe: name };
  const maxEpochs = intField('epochs', 'max epochs', 1, 1000) ?? 25;
  const options: CnnProblemOptions = {
    maxEpochs,
    minEpochs: Math.min(maxEpochs, intField('min-epochs', 'min epochs', 1, maxEpochs) ?? Math.min(5, maxEpochs)),
    // the space form the method searched in the paper, as `paretonas search` chooses it
    spaceForm: getMethod(method).spaceForm,
  };
  const width = intField('max-width', 'max width', 17, 1024);
  if (width !== undefined) options.maxWidth = width;
  const images = intField('train-images', 'training images', 1);
  if (images !== undefined) options.subset = { train: images, val: Math.max(1, Math.round(images / 2)), test: Math.max(1, Math.round(images / 2)) };
  let device = byId<HTMLSelectElement>('device').value as 'auto' | 'webgpu' | 'wasm';
  if (device === 'auto') device = (await probeHardwareAdapter()) !== undefined ? 'webgpu' : 'wasm';
  options.device = device;
  const journalled = { ...options } as Record<string, unknown>;
  const files = await dataFiles(name);
  if (device === 'webgpu') {
    // one GPU device in this thread, one training at a time
    const problem = new CnnProblem(name as 'flowers' | 'fashion', { ...options, dataFiles: files });
    const b = await problem.backend();
    return { problem, concurrency: 1, journalled, describe: `${name} on ${b.description}` };
  }
  const workers = intField('workers', 'workers', 1, 64) ?? defaultWorkers();
  show(`${name}: starting ${workers} worker${workers > 1 ? 's' : ''} and reading the data ...`);
  const problem = await PooledProblem.create({ size: workers, problem: name, options: { ...options, dataFiles: files } as Record<string, unknown>, onWarning: (m) => show(m) });
  return { problem, concurrency: workers, journalled, describe: `${name} on WebAssembly in ${workers} worker${workers > 1 ? 's' : ''}` };
}

/** One training per core, leaving one for the page (at least one). */
function defaultWorkers(): number {
  return Math.max(1, Math.min(8, availableParallelism() - 1));
}

async function start(): Promise<void> {
  const problemName = byId<HTMLSelectElement>('problem').value;
  const method = byId<HTMLSelectElement>('method').value;
  let budget: number, seed: number, minutes: number | undefined;
  try {
    budget = intField('budget', 'budget', 1) ?? 0;
    if (budget === 0) throw new RangeError("budget must be an integer in [1, ...], got ''");
    seed = intField('seed', 'seed', 0) ?? 0;
    minutes = intField('minutes', 'time limit (minutes)', 1);
  } catch (err) {
    state = `failed: ${(err as Error).message}`;
    return show((err as Error).message);
  }
  state = 'running';
  running = new AbortController();
  byId<HTMLButtonElement>('run').disabled = true;
  byId<HTMLButtonElement>('stop').disabled = false;
  let opened: Opened | undefined;
  try {
    opened = await openProblem(problemName, method);
  } catch (err) {
    byId<HTMLButtonElement>('run').disabled = false;
    byId<HTMLButtonElement>('stop').disabled = true;
    state = `failed: ${(err as Error).message}`;
    return show((err as Error).message);
  }
  const { problem, concurrency, journalled, describe } = opened;
  // The paper's presets fix its budgets (5 to 25 epochs); other budgets run the method's defaults.
  const paperBudgets = problem.minBudget === 5 && problem.maxBudget === 25;
  const preset = CNN[problemName] && paperBudgets && getMethod(method).presets.some((p) => p === problemName) ? problemName : undefined;
  const storage = new MemoryStorage();
  let study: Study;
  try {
    study = Study.create({
      space: problem.space,
      directions: problem.objectives.map((o) => o.direction),
      objectiveNames: problem.objectives.map((o) => o.name),
      referencePoint: [...problem.referencePoint],
      method, methodOptions: methodOptions(method, preset, {}), seed, problem: problemName,
      ...(journalled ? { problemOptions: journalled } : {}),
      minBudget: problem.minBudget, maxBudget: problem.maxBudget, storage,
      onWarning: (m) => show(m),
    }, (ctx, meta) => getMethod(method).create(ctx, meta.methodOptions ?? {}));
  } catch (err) {
    await (problem as { dispose?: () => Promise<void> }).dispose?.();
    byId<HTMLButtonElement>('run').disabled = false;
    byId<HTMLButtonElement>('stop').disabled = true;
    state = `failed: ${(err as Error).message}`;
    return show((err as Error).message);
  }
  let told = 0, lastDraw = 0;
  const training = new Map<number, string>();
  const status = () => show(`${method} on ${describe}: ${told} of ${budget} trials${training.size > 0 ? `; training ${[...training].map(([n, t]) => `#${n} ${t}`).join(', ')}` : ''}`);
  events = storage.load();
  status();
  try {
    await study.optimize(async (trial, signal) => {
      const r = await problem.evaluate(trial.params, {
        budget: trial.budget, seed: seed * 100_003 + trial.number, signal,
        onProgress: (p) => {
          training.set(trial.number, `epoch ${p.epoch}/${p.epochs}`);
          status();
        },
      });
      training.delete(trial.number);
      // Let the page breathe between trials (and redraw at most every 250 ms).
      await new Promise((ok) => setTimeout(ok, 0));
      return { values: r.values, metrics: r.metrics };
    }, {
      maxEvaluations: budget, signal: running.signal, concurrency,
      ...(minutes !== undefined ? { maxSeconds: minutes * 60 } : {}),
      onTrial: (t) => {
        told++;
        training.delete(t.number);
        events = storage.load();
        status();
        if (performance.now() - lastDraw > 250) {
          lastDraw = performance.now();
          draw();
        }
      },
    });
  } finally {
    await (problem as { dispose?: () => Promise<void> }).dispose?.();
    events = storage.load();
    draw();
    byId<HTMLButtonElement>('run').disabled = false;
    byId<HTMLButtonElement>('stop').disabled = true;
    byId<HTMLButtonElement>('download').disabled = false;
    show(`${method} on ${describe}: finished, ${events.filter((e) => e.type === 'tell').length} trials`);
    state = 'finished';
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
  for (const p of [...Object.keys(SYNTHETIC), ...Object.keys(CNN)]) problem.append(new Option(p, p));
  // the training fields and the file picker only for the CNN problems
  const cnnFields = () => {
    const cnn = CNN[problem.value] !== undefined;
    byId('cnn').hidden = !cnn;
    byId('data-help').textContent = cnn ? `Choose these files together: ${CNN[problem.value].join(', ')}.` : '';
  };
  problem.addEventListener('change', cnnFields);
  cnnFields();
  for (const m of METHODS) method.append(new Option(m, m));
  byId('run').addEventListener('click', () => void start().catch((err: Error) => {
    state = `failed: ${err.message}`;
    show(`the search stopped: ${err.message}`);
  }));
  byId('stop').addEventListener('click', () => running?.abort());
  byId('download').addEventListener('click', download);
  byId<HTMLInputElement>('open').addEventListener('change', (ev) => {
    const f = (ev.target as HTMLInputElement).files?.[0];
    if (f) void open(f);
  });
  (window as unknown as { paretonasSearch: unknown }).paretonasSearch = { events: () => events, state: () => state };
  show('Pick a problem, a method and a budget, then Run.');
}

main();
