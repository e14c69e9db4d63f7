// Bulk & Cut's networks (docs/methods.md#bulkcut-model): conv sections of one or more cells
// (conv → ReLU → BatchNorm) with one 2x2 max-pool at the end of each section, global average
// pooling always, linear sections of cells (linear → ReLU), and a linear head. A model grows by
// inserting an identity-initialised cell (docs/methods.md#bulkcut-bulkup) and shrinks by pruning
// inputs section by section (docs/methods.md#bulkcut-slimdown).
//
// Each operation has two halves: the structural one (which cell, how much), decided by the
// method in ask() from its own generator and journalled with the trial, and the weight-level one,
// applied where the parent's weights are (the evaluation), from the structural decision and a seed.
// Skip connections are not represented: in this search space they never arise (docs/methods.md#odd-42).
import type { ModelState } from '../../train/backend.ts';
import { BATCHNORM } from '../../train/backend.ts';
import { layoutSpec, type NetworkSpec } from '../../train/network.ts';
import type { Rng } from '../../random/rng.ts';
import type { Variant } from '../options.ts';
import type { NetworkConfig } from '../../space/nas.ts';

export interface BncModel {
  input: [number, number, number];
  classes: number;
  kernelSize: number;
  batchNorm: boolean;
  /** conv sections: the output widths of their cells, in order */
  conv: number[][];
  /** linear sections: the output widths of their cells, in order */
  linear: number[][];
}

/** Where a bulk-up inserts its cell: after cell `after` of section `section` of that kind. */
export interface BulkUpPlan {
  kind: 'conv' | 'linear';
  section: number;
  after: number;
}

/** A slim-down's pruning amounts: the head's, and one per linear and per conv section. */
export interface PrunePlan {
  head: number;
  linear: number[];
  conv: number[];
}

/** Check a model's shape; throws naming what is wrong. */
export function checkModel(m: BncModel, fn = 'BncModel'): void {
  const ints = (v: unknown, what: string) => {
    if (!Number.isInteger(v) || (v as number) < 1) throw new RangeError(`${fn}: ${what} must be a positive integer, got ${JSON.stringify(v)}`);
  };
  if (!Array.isArray(m.input) || m.input.length !== 3) throw new RangeError(`${fn}: input must be [C, H, W], got ${JSON.stringify(m.input)}`);
  m.input.forEach((v, i) => ints(v, `input[${i}]`));
  ints(m.classes, 'classes');
  if (![3, 5, 7].includes(m.kernelSize)) throw new RangeError(`${fn}: kernelSize must be 3, 5 or 7, got ${m.kernelSize}`);
  if (typeof m.batchNorm !== 'boolean') throw new RangeError(`${fn}: batchNorm must be a boolean, got ${JSON.stringify(m.batchNorm)}`);
  for (const kind of ['conv', 'linear'] as const) {
    const sections = m[kind];
    if (!Array.isArray(sections) || (kind === 'conv' && sections.length < 1)) throw new RangeError(`${fn}: ${kind} must list ${kind === 'conv' ? 'at least one' : 'its'} sections`);
    sections.forEach((cells, s) => {
      if (!Array.isArray(cells) || cells.length < 1) throw new RangeError(`${fn}: ${kind} section ${s} must hold at least one cell`);
      cells.forEach((w, c) => ints(w, `${kind}[${s}][${c}]`));
    });
  }
}

/** The cells of one kind in network order, with their section and position in it. */
function cellsOf(sections: number[][]): { section: number; cell: number; width: number }[] {
  return sections.flatMap((cells, section) => cells.map((width, cell) => ({ section, cell, width })));
}

/** The layer list of a model (a max-pool after the last cell of every conv section, GAP always). */
export function bncSpec(m: BncModel): NetworkSpec {
  checkModel(m, 'bncSpec');
  return layoutSpec({
    input: m.input,
    numClasses: m.classes,
    convs: cellsOf(m.conv).map(({ section, cell, width }) => ({ cout: width, k: m.kernelSize, batchNorm: m.batchNorm, pool: cell === m.conv[section].length - 1 })),
    globalAvgPooling: true,
    fcWidths: m.linear.flat(),
  }, 'bncSpec');
}

/**
 * The exact number of trainable parameters: conv weights and biases, BatchNorm γ and β, linear
 * weights and biases, the head (no skip gains: none arise in this space).
 */
export function bncParameterCount(m: BncModel): number {
  checkModel(m, 'bncParameterCount');
  const k2 = m.kernelSize * m.kernelSize;
  let n = 0, c = m.input[0];
  for (const w of m.conv.flat()) {
    n += k2 * c * w + w + (m.batchNorm ? 2 * w : 0);
    c = w;
  }
  for (const w of m.linear.flat()) {
    n += c * w + w;
    c = w;
  }
  return n + c * m.classes + m.classes;
}

/** Number of cells (conv and linear), the depth the Bayesian optimisers are told. */
export function bncDepth(m: BncModel): number {
  return m.conv.flat().length + m.linear.flat().length;
}

/** A naive individual: one cell per section, widths from the configuration's n_conv_i / n_fc_j. */
export function naiveModel(net: Pick<NetworkConfig, 'convWidths' | 'fcWidths' | 'kernelSize' | 'batchNorm'>, input: [number, number, number], classes: number): BncModel {
  const m: BncModel = {
    input: [...input],
    classes,
    kernelSize: net.kernelSize,
    batchNorm: net.batchNorm,
    conv: net.convWidths.map((w) => [w]),
    linear: net.fcWidths.map((w) => [w]),
  };
  checkModel(m, 'naiveModel');
  return m;
}

/**
 * Where the next bulk-up goes (docs/methods.md#bulkcut-bulkup): a conv cell when the model has
 * fewer than 3 conv cells and a coin (p = 0.7) says so or the linear part is full (3 cells),
 * else a linear cell; a section uniformly, then a cell of it uniformly to insert after.
 */
export function planBulkUp(m: BncModel, rng: Rng): BulkUpPlan {
  const nConv = m.conv.flat().length, nFc = m.linear.flat().length;
  const conv = nConv < 3 && (rng.random() < 0.7 || nFc >= 3);
  if (!conv && (nFc >= 3 || m.linear.length === 0)) {
    throw new RangeError(`planBulkUp: the model has ${nConv} conv and ${nFc} linear cells; it cannot grow (the method never selects such a parent)`);
  }
  const sections = conv ? m.conv : m.linear;
  const section = rng.int(sections.length);
  return { kind: conv ? 'conv' : 'linear', section, after: rng.int(sections[section].length) };
}

/** The model after a bulk-up: a copy of the chosen cell's width inserted after it. */
export function bulkUpModel(m: BncModel, plan: BulkUpPlan): BncModel {
  const sections = (plan.kind === 'conv' ? m.conv : m.linear).map((cells) => [...cells]);
  const cells = sections[plan.section];
  if (!cells || !(plan.after >= 0 && plan.after < cells.length)) throw new RangeError(`bulkUpModel: no ${plan.kind} cell ${plan.after} in section ${plan.section}`);
  cells.splice(plan.after + 1, 0, cells[plan.after]);
  return plan.kind === 'conv' ? { ...m, conv: sections, linear: m.linear.map((c) => [...c]) } : { ...m, conv: m.conv.map((c) => [...c]), linear: sections };
}

/** Triangular(lo, mode, hi) by inversion. */
function triangular(rng: Rng, lo: number, mode: number, hi: number): number {
  const u = rng.random(), f = (mode - lo) / (hi - lo);
  return u < f ? lo + Math.sqrt(u * (hi - lo) * (mode - lo)) : hi - Math.sqrt((1 - u) * (hi - lo) * (hi - mode));
}

/** The slim-down's amounts (docs/methods.md#bulkcut-slimdown): head T(.04, .05, .06), linear sections T(.065, .075, .085), conv sections T(.09, .10, .11). */
export function planPrune(m: BncModel, rng: Rng): PrunePlan {
  // drawn in the order the pruning walks (head, linear sections last to first, then conv), kept in section order
  const head = triangular(rng, 0.04, 0.05, 0.06);
  const linear = m.linear.map(() => 0), conv = m.conv.map(() => 0);
  for (let s = linear.length - 1; s >= 0; s--) linear[s] = triangular(rng, 0.065, 0.075, 0.085);
  for (let s = conv.length - 1; s >= 0; s--) conv[s] = triangular(rng, 0.09, 0.1, 0.11);
  return { head, linear, conv };
}

/** Inputs a layer with `nIn` inputs loses at `amount`. */
const killed = (amount: number, nIn: number) => Math.floor(amount * nIn);

/**
 * The model after a slim-down: every cell's output width shrinks by what its downstream layer
 * (the next cell, the first cell of the next section, or the head) prunes of its inputs.
 */
export function prunedModel(m: BncModel, plan: PrunePlan): BncModel {
  checkPrunePlan(m, plan, 'prunedModel');
  const amountOfLinear = m.linear.flatMap((cells, s) => cells.map(() => plan.linear[s]));
  const amountOfConv = m.conv.flatMap((cells, s) => cells.map(() => plan.conv[s]));
  // the amount of the layer that reads each cell's outputs
  const convFlat = m.conv.flat(), linFlat = m.linear.flat();
  const downstreamConv = convFlat.map((_, i) => (i + 1 < convFlat.length ? amountOfConv[i + 1] : linFlat.length > 0 ? amountOfLinear[0] : plan.head));
  const downstreamLin = linFlat.map((_, j) => (j + 1 < linFlat.length ? amountOfLinear[j + 1] : plan.head));
  let i = 0, j = 0;
  return {
    ...m,
    conv: m.conv.map((cells) => cells.map((w) => w - killed(downstreamConv[i++], w))),
    linear: m.linear.map((cells) => cells.map((w) => w - killed(downstreamLin[j++], w))),
  };
}

function checkPrunePlan(m: BncModel, plan: PrunePlan, fn: string): void {
  const ok = (a: unknown) => typeof a === 'number' && a >= 0 && a < 1 / 3;
  if (!ok(plan.head) || plan.linear.length !== m.linear.length || plan.conv.length !== m.conv.length || ![...plan.linear, ...plan.conv].every(ok)) {
    throw new RangeError(`${fn}: plan must give amounts in [0, 1/3) for the head, ${m.linear.length} linear and ${m.conv.length} conv sections, got ${JSON.stringify(plan)}`);
  }
}

/** A tensor's name once a cell is inserted at index `at` of the layers named by `prefixes` (the later ones move up one). */
function shifted(name: string, prefixes: readonly string[], at: number): string {
  const m = /^([a-z]+)(\d+)(\..*)?$/.exec(name);
  if (!m || !prefixes.includes(m[1]) || Number(m[2]) < at) return name;
  return `${m[1]}${Number(m[2]) + 1}${m[3] ?? ''}`;
}

function need(state: ModelState, name: string, size: number, fn: string): Float32Array {
  const t = state.get(name);
  if (!t) throw new RangeError(`${fn}: the parent's state has no tensor '${name}'`);
  if (t.length !== size) throw new RangeError(`${fn}: tensor '${name}' has ${t.length} values, the model needs ${size}`);
  return t;
}

export interface MorphismOptions {
  /** U(0, noise) added to every weight and bias of the new cell (default 1e-5, the reference's) */
  noise?: number;
  /**
   * 'paper': the new conv cell's BatchNorm copies the source's γ and β with running mean β and
   * variance γ² − ε, which is the identity only where the ReLU in between passes the source's
   * output unchanged (docs/methods.md#odd-41); 'fixed' (default): the new cell's kernel and
   * bias shift the source's output into ReLU's linear range and the running statistics undo the
   * shift, so that the cell is the identity in evaluation mode (up to the noise)
   */
  variant?: Variant;
}

/**
 * The child's initial state after a bulk-up: the parent's tensors (renamed past the new cell)
 * and an identity-initialised cell (docs/methods.md#bulkcut-bulkup). Adam moments are dropped.
 */
export function bulkUpState(m: BncModel, parent: ModelState, plan: BulkUpPlan, rng: Rng, options: MorphismOptions = {}): ModelState {
  const fn = 'bulkUpState';
  const noise = options.noise ?? 1e-5;
  const variant = options.variant ?? 'fixed';
  if (!(noise >= 0)) throw new RangeError(`${fn}: options.noise must be >= 0, got ${noise}`);
  bulkUpModel(m, plan); // checks the plan against the model
  const sections = plan.kind === 'conv' ? m.conv : m.linear;
  const g = sections.slice(0, plan.section).reduce((s, c) => s + c.length, 0) + plan.after; // source cell, global index
  // the parent's tensors, those past the new cell renamed one index up
  const prefixes = plan.kind === 'conv' ? ['conv', 'bn'] : ['fc'];
  const state: ModelState = new Map([...parent].filter(([name]) => !name.startsWith('adam.')).map(([n, t]) => [shifted(n, prefixes, g + 1), t.slice()]));
  const width = sections[plan.section][plan.after];
  const u = () => rng.uniform(0, noise);
  if (plan.kind === 'linear') {
    const w = new Float32Array(width * width), b = new Float32Array(width);
    for (let o = 0; o < width; o++) for (let i = 0; i < width; i++) w[o * width + i] = (o === i ? 1 : 0) + u();
    for (let o = 0; o < width; o++) b[o] = u();
    state.set(`fc${g + 1}.weight`, w).set(`fc${g + 1}.bias`, b);
    return state;
  }
  const k = m.kernelSize, kk = k * k, centre = ((k - 1) / 2) * k + (k - 1) / 2;
  // Per output channel: the diagonal tap (±1) and the bias that keep ReLU in its linear range, and
  // the BatchNorm statistics that undo them. Without BatchNorm the source ends with a ReLU, so its
  // output is already >= 0 and the plain identity is exact.
  const sign = new Float32Array(width).fill(1), shift = new Float32Array(width);
  let bn: { gamma: Float32Array; beta: Float32Array; mean: Float32Array; variance: Float32Array } | undefined;
  if (m.batchNorm) {
    const gb = need(state, `bn${g}`, 2 * width, fn);
    const running = state.get(`bn${g}.running`) ?? new Float32Array(2 * width).fill(1, width);
    const gamma = gb.slice(0, width), beta = gb.slice(width);
    const mean = new Float32Array(width), variance = new Float32Array(width);
    for (let c = 0; c < width; c++) {
      const g2 = gamma[c] * gamma[c] - BATCHNORM.eps;
      if (variant === 'paper') {
        mean[c] = beta[c];
        variance[c] = g2;
        continue;
      }
      // source output x = γ(y − μ)/σ + β with y = ReLU(...) >= 0, so s·x >= s·β − |γ|μ/σ =: lo
      // (s = sign γ); the new cell computes ReLU(s·x − lo) = s·x − lo, and its BatchNorm (γ, β
      // copied, running mean s·β − lo, σ' = |γ|) maps that back to x.
      const s = gamma[c] < 0 ? -1 : 1;
      const sd = Math.sqrt(running[width + c] + BATCHNORM.eps);
      const lo = s * beta[c] - (Math.abs(gamma[c]) * running[c]) / sd;
      sign[c] = s;
      shift[c] = -lo;
      mean[c] = s * beta[c] - lo;
      variance[c] = Math.max(g2, 0);
    }
    bn = { gamma, beta, mean, variance };
  }
  const w = new Float32Array(width * width * kk), b = new Float32Array(width);
  for (let o = 0; o < width; o++) {
    for (let i = 0; i < width; i++) for (let t = 0; t < kk; t++) w[(o * width + i) * kk + t] = (o === i && t === centre ? sign[o] : 0) + u();
  }
  for (let o = 0; o < width; o++) b[o] = shift[o] + u();
  state.set(`conv${g + 1}.weight`, w).set(`conv${g + 1}.bias`, b);
  if (bn) {
    const gb = new Float32Array(2 * width), running = new Float32Array(2 * width);
    gb.set(bn.gamma);
    gb.set(bn.beta, width);
    running.set(bn.mean);
    running.set(bn.variance, width);
    state.set(`bn${g + 1}`, gb).set(`bn${g + 1}.running`, running);
  }
  return state;
}

export interface PruneOptions {
  /**
   * 'paper': the inputs removed are random positions among the first 2·kill of a shrinking list
   * (the L1 ranking is computed and ignored, docs/methods.md#odd-38), and BatchNorm running means
   * are reset to 0 (docs/methods.md#odd-39); 'fixed' (default): `kill` inputs chosen at random among
   * the 2·kill with the smallest L1 norm, running means kept
   */
  variant?: Variant;
}

/**
 * The child's initial state after a slim-down (docs/methods.md#bulkcut-slimdown), walking from
 * the head back to the first conv cell: each layer keeps the outputs its downstream layer kept
 * as inputs, and removes floor(amount · inputs) of its own inputs (the first conv cell none).
 */
export function pruneState(m: BncModel, parent: ModelState, plan: PrunePlan, rng: Rng, options: PruneOptions = {}): ModelState {
  const fn = 'pruneState';
  checkPrunePlan(m, plan, fn);
  const variant = options.variant ?? 'fixed';
  const state: ModelState = new Map();
  const k2 = m.kernelSize * m.kernelSize;
  const convW = m.conv.flat(), linW = m.linear.flat();
  const convAmount = m.conv.flatMap((cells, s) => cells.map(() => plan.conv[s]));
  const linAmount = m.linear.flatMap((cells, s) => cells.map(() => plan.linear[s]));

  /** Which of a layer's `nIn` inputs stay, given its weights [rows x nIn x taps] restricted to `rows`. */
  const keepInputs = (w: Float32Array, nIn: number, taps: number, rows: number[], amount: number): number[] => {
    const kill = killed(amount, nIn);
    const all = Array.from({ length: nIn }, (_, i) => i);
    if (kill === 0) return all;
    // a random permutation prefix of 0..2·kill−1
    const perm = Array.from({ length: 2 * kill }, (_, i) => i);
    rng.shuffle(perm);
    const chosen = perm.slice(0, kill);
    if (variant === 'paper') {
      const list = all;
      for (const p of chosen) list.splice(p, 1);
      return list;
    }
    const l1 = new Float64Array(nIn);
    for (const o of rows) {
      for (let i = 0; i < nIn; i++) {
        let s = 0;
        for (let t = 0; t < taps; t++) s += Math.abs(w[(o * nIn + i) * taps + t]);
        l1[i] += s;
      }
    }
    const smallest = all.slice().sort((a, b) => l1[a] - l1[b] || a - b).slice(0, 2 * kill);
    const drop = new Set(chosen.map((p) => smallest[p]));
    return all.filter((i) => !drop.has(i));
  };
  const restrict = (w: Float32Array, nIn: number, taps: number, rows: number[], cols: number[]): Float32Array => {
    const out = new Float32Array(rows.length * cols.length * taps);
    rows.forEach((o, r) => cols.forEach((i, c) => out.set(w.subarray((o * nIn + i) * taps, (o * nIn + i + 1) * taps), (r * cols.length + c) * taps)));
    return out;
  };
  const pick = (v: Float32Array, idx: number[]) => Float32Array.from(idx, (i) => v[i]);

  // head, then the linear cells from last to first
  let rows: number[] = Array.from({ length: m.classes }, (_, i) => i);
  for (let j = linW.length; j >= 0; j--) {
    const nIn = j > 0 ? linW[j - 1] : convW[convW.length - 1];
    const nOut = j < linW.length ? linW[j] : m.classes;
    const w = need(parent, `fc${j}.weight`, nOut * nIn, fn), b = need(parent, `fc${j}.bias`, nOut, fn);
    const cols = keepInputs(w, nIn, 1, rows, j === linW.length ? plan.head : linAmount[j]);
    state.set(`fc${j}.weight`, restrict(w, nIn, 1, rows, cols)).set(`fc${j}.bias`, pick(b, rows));
    rows = cols;
  }
  for (let i = convW.length - 1; i >= 0; i--) {
    const nIn = i > 0 ? convW[i - 1] : m.input[0], nOut = convW[i];
    const w = need(parent, `conv${i}.weight`, nOut * nIn * k2, fn), b = need(parent, `conv${i}.bias`, nOut, fn);
    const cols = i === 0 ? Array.from({ length: nIn }, (_, c) => c) : keepInputs(w, nIn, k2, rows, convAmount[i]);
    state.set(`conv${i}.weight`, restrict(w, nIn, k2, rows, cols)).set(`conv${i}.bias`, pick(b, rows));
    if (m.batchNorm) {
      const gb = need(parent, `bn${i}`, 2 * nOut, fn);
      const running = parent.get(`bn${i}.running`) ?? new Float32Array(2 * nOut).fill(1, nOut);
      state.set(`bn${i}`, Float32Array.from([...pick(gb.subarray(0, nOut), rows), ...pick(gb.subarray(nOut), rows)]));
      const mean = variant === 'paper' ? new Float32Array(rows.length) : pick(running.subarray(0, nOut), rows);
      state.set(`bn${i}.running`, Float32Array.from([...mean, ...pick(running.subarray(nOut), rows)]));
    }
    rows = cols;
  }
  return state;
}
