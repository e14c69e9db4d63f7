// The views of the report, the dashboard and the search page, drawn with Apache ECharts into the
// page's containers (html.ts): the evaluations and Pareto front of every run (hover for a trial,
// click to pin it), hypervolume over evaluations and over time, parallel coordinates of the
// hyperparameters coloured by an objective, and a sortable, filterable table of trials.
import * as echarts from 'echarts/core';
import { LineChart, ParallelChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomComponent, GridComponent, LegendComponent, ParallelComponent, TitleComponent, TooltipComponent, VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { ReportData, ReportRun, ReportTrial } from './data.ts';

echarts.use([
  ScatterChart, LineChart, ParallelChart, GridComponent, TooltipComponent, LegendComponent, TitleComponent,
  VisualMapComponent, ParallelComponent, DataZoomComponent, CanvasRenderer,
]);

/** Off on pages that redraw as trials arrive, so the redraws do not replay the entry animation. */
let animation = true;

export function setAnimation(on: boolean): void {
  animation = on;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function fmt(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Number(v.toPrecision(5)).toString();
  return String(v);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}

/** The metric holding a CNN trial's mean training loss per epoch (a JSON array; src/problems/cnn.ts). */
const CURVE = 'train_loss_curve';

function curveOf(t: ReportTrial): number[] | undefined {
  const v = t.metrics?.[CURVE];
  if (typeof v !== 'string') return undefined;
  try {
    const xs = JSON.parse(v) as unknown;
    return Array.isArray(xs) && xs.every((x) => typeof x === 'number') ? xs : undefined;
  } catch {
    return undefined;
  }
}

/** The trial as lines of text: objectives, budget, configuration, metrics. */
function trialLines(run: ReportRun, t: ReportTrial): string[] {
  const lines = [`${run.name}, trial #${t.number} (${t.state})`];
  if (t.values) run.objectives.forEach((o, k) => lines.push(`${o} = ${fmt(t.values![k])}`));
  if (t.budget !== undefined) lines.push(`budget = ${fmt(t.budget)}`);
  for (const p of run.params) if (p in t.params) lines.push(`${p} = ${fmt(t.params[p])}`);
  for (const [k, v] of Object.entries(t.metrics ?? {})) {
    if (k === 'budget' && t.budget !== undefined) continue;
    if (k === CURVE) lines.push(`training curve: ${curveOf(t)?.length ?? 0} epochs (click the point)`);
    else lines.push(`${k}: ${fmt(v)}`);
  }
  return lines;
}

type Point = [number, number, number, number]; // x, y, run index, trial number

function frontChart(node: HTMLElement, data: ReportData, details: HTMLElement): echarts.ECharts {
  const chart = echarts.init(node);
  const r0 = data.runs[0];
  const byKey = new Map<string, ReportTrial>();
  const series: object[] = [];
  data.runs.forEach((run, ri) => {
    const onFront = new Set(run.front);
    const all: Point[] = [];
    const front: Point[] = [];
    for (const t of run.trials) {
      if (t.state !== 'complete' || !t.values || t.values.length < 2) continue;
      byKey.set(`${ri}:${t.number}`, t);
      const p: Point = [t.values[0], t.values[1], ri, t.number];
      all.push(p);
      if (onFront.has(t.number)) front.push(p);
    }
    front.sort((a, b) => a[0] - b[0]);
    const color = COLORS[ri % COLORS.length];
    series.push({ name: `${run.name}`, id: `evaluations-${ri}`, type: 'scatter', data: all, symbolSize: 6, itemStyle: { color, opacity: 0.55 } });
    series.push({
      name: `${run.name}`, id: `front-${ri}`, type: 'line', step: run.directions[0] === 'maximize' ? 'start' : 'end', data: front,
      symbol: 'circle', symbolSize: 9, lineStyle: { color, width: 2 }, itemStyle: { color, borderColor: '#000', borderWidth: 1 }, z: 3,
    });
  });
  const label = (k: number) => `${r0.objectives[k]} (${r0.directions[k] === 'maximize' ? 'maximise' : 'minimise'})`;
  chart.setOption({
    animation,
    title: { text: `Evaluations and Pareto front${r0.objectives.length > 2 ? ` (first 2 of ${r0.objectives.length} objectives)` : ''}`, left: 'center', textStyle: { fontSize: 14 } },
    legend: { top: 24 },
    grid: { left: 70, right: 30, top: 64, bottom: 60 },
    tooltip: {
      trigger: 'item',
      formatter: (p: { value: Point }) => {
        const [, , ri, num] = p.value;
        const t = byKey.get(`${ri}:${num}`);
        return t ? trialLines(data.runs[ri], t).map(escapeHtml).join('<br>') : '';
      },
    },
    xAxis: { type: 'value', name: label(0), nameLocation: 'middle', nameGap: 30, scale: true },
    yAxis: { type: 'value', name: label(1), nameLocation: 'middle', nameGap: 50, scale: true },
    dataZoom: [{ type: 'inside', xAxisIndex: 0 }, { type: 'inside', yAxisIndex: 0 }],
    series,
  });
  chart.on('click', (p) => {
    const v = (p as unknown as { value: Point }).value;
    const t = byKey.get(`${v[2]}:${v[3]}`);
    if (!t) return;
    details.replaceChildren(el('h3', {}, `Trial #${t.number}`), el('pre', {}, trialLines(data.runs[v[2]], t).join('\n')));
    const curve = curveOf(t);
    if (curve && curve.length > 0) {
      const box = el('div', { id: 'curve', style: 'width: 520px; height: 260px' });
      details.append(box);
      charts.curve?.dispose();
      charts.curve = echarts.init(box);
      charts.curve.setOption({
        animation,
        title: { text: `Trial #${t.number}: mean training loss per epoch`, textStyle: { fontSize: 13 } },
        grid: { left: 60, right: 20, top: 40, bottom: 40 },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'value', name: 'epoch', nameLocation: 'middle', nameGap: 26, min: 1, max: curve.length, minInterval: 1 },
        yAxis: { type: 'value', name: 'loss', scale: true },
        series: [{ type: 'line', data: curve.map((l, i) => [i + 1, l]), showSymbol: curve.length <= 30 }],
      });
    }
  });
  return chart;
}

function hvChart(node: HTMLElement, data: ReportData, axis: 0 | 1): echarts.ECharts {
  const chart = echarts.init(node);
  chart.setOption({
    animation,
    title: { text: `Hypervolume over ${axis === 0 ? 'evaluations' : 'time'}`, left: 'center', textStyle: { fontSize: 14 } },
    legend: { top: 24 },
    grid: { left: 70, right: 30, top: 64, bottom: 50 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'value', name: axis === 0 ? 'evaluations' : 'seconds', nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'value', name: 'hypervolume', nameLocation: 'middle', nameGap: 50, scale: true },
    series: data.runs.map((run, ri) => ({
      name: run.name, type: 'line', step: 'end', showSymbol: false, color: COLORS[ri % COLORS.length],
      data: run.hvHistory.map((h) => [h[axis], h[2]]),
    })),
  });
  return chart;
}

function parallelChart(node: HTMLElement, data: ReportData, colourBy: number): echarts.ECharts {
  const chart = echarts.init(node);
  const r0 = data.runs[0];
  const params = r0.params;
  const logged = new Set(r0.logParams ?? []);
  // Categorical (and boolean) hyperparameters get category axes with the values seen.
  const categories = params.map((p) => {
    const seen = new Set<string>();
    let numeric = true;
    for (const run of data.runs) for (const t of run.trials) if (p in t.params) {
      if (typeof t.params[p] !== 'number') numeric = false;
      seen.add(String(t.params[p]));
    }
    return numeric ? undefined : [...seen].sort();
  });
  const axes = [
    // a log-scaled hyperparameter (a learning rate from 1e-5 to 1) on a linear axis crowds near 0
    ...params.map((p, i) => (categories[i] ? { dim: i, name: p, type: 'category', data: categories[i] }
      : logged.has(p) ? { dim: i, name: `${p} (log)`, type: 'log', logBase: 10 } : { dim: i, name: p, type: 'value', scale: true })),
    ...r0.objectives.map((o, k) => ({ dim: params.length + k, name: o, type: 'value', scale: true })),
  ];
  let lo = Infinity, hi = -Infinity;
  const series = data.runs.map((run, ri) => ({
    name: run.name, type: 'parallel', lineStyle: { width: 1, opacity: 0.6 }, color: COLORS[ri % COLORS.length],
    data: run.trials.filter((t) => t.state === 'complete' && t.values).map((t) => {
      const v = t.values![colourBy];
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      return [...params.map((p, i) => (p in t.params ? (categories[i] ? String(t.params[p]) : t.params[p]) : null)), ...t.values!];
    }),
  }));
  chart.setOption({
    animation,
    title: { text: `Hyperparameters of the complete trials, coloured by ${r0.objectives[colourBy]}`, left: 'center', textStyle: { fontSize: 14 } },
    parallelAxis: axes,
    parallel: { left: 60, right: 90, top: 70, bottom: 40, parallelAxisDefault: { nameLocation: 'end', nameGap: 12, nameRotate: 20 } },
    visualMap: {
      type: 'continuous', dimension: params.length + colourBy, min: Number.isFinite(lo) ? lo : 0, max: Number.isFinite(hi) ? hi : 1,
      calculable: true, right: 0, top: 'middle', itemHeight: 160, text: [r0.objectives[colourBy], ''],
      inRange: { color: ['#2c7bb6', '#abd9e9', '#fdae61', '#d7191c'] },
    },
    series,
  });
  return chart;
}

/** The table's filter and order, kept across the dashboard's redraws. */
const tableState = { filter: '', sortCol: 1, sortDir: 1 };

function trialTable(host: HTMLElement, data: ReportData): void {
  const r0 = data.runs[0];
  const columns = ['run', '#', 'state', ...r0.objectives, 'budget', ...r0.params];
  const rows: (string | number)[][] = [];
  data.runs.forEach((run) => {
    const onFront = new Set(run.front);
    for (const t of run.trials) {
      rows.push([
        run.name + (onFront.has(t.number) ? ' *' : ''), t.number, t.state,
        ...run.objectives.map((_, k) => t.values?.[k] ?? ''), t.budget ?? '',
        ...run.params.map((p) => (p in t.params ? (t.params[p] as string | number) : '')),
      ].map((v) => (typeof v === 'boolean' ? String(v) : v)));
    }
  });
  const filter = el('input', { type: 'search', placeholder: 'filter: text in any cell, or column<value / column>value', id: 'trial-filter', size: '60' });
  const table = el('table', { id: 'trials' });
  const thead = el('thead');
  const tbody = el('tbody');
  table.append(thead, tbody);
  filter.value = tableState.filter;
  const headRow = el('tr');
  columns.forEach((c, i) => {
    const th = el('th', { title: 'sort' }, c);
    th.addEventListener('click', () => {
      tableState.sortDir = tableState.sortCol === i ? -tableState.sortDir : 1;
      tableState.sortCol = i;
      render();
    });
    headRow.append(th);
  });
  thead.append(headRow);
  const matches = (row: (string | number)[], q: string): boolean => {
    const m = /^\s*([^<>]+?)\s*([<>])\s*(-?[\d.eE+-]+)\s*$/.exec(q);
    if (m) {
      const i = columns.indexOf(m[1]);
      if (i >= 0) {
        const v = row[i];
        return typeof v === 'number' && (m[2] === '<' ? v < Number(m[3]) : v > Number(m[3]));
      }
    }
    return row.some((v) => String(v).toLowerCase().includes(q.toLowerCase()));
  };
  function render(): void {
    tableState.filter = filter.value;
    const { sortCol, sortDir } = tableState;
    const q = filter.value.trim();
    const shown = rows.filter((r) => q === '' || matches(r, q));
    shown.sort((a, b) => {
      const x = a[sortCol], y = b[sortCol];
      if (typeof x === 'number' && typeof y === 'number') return sortDir * (x - y);
      return sortDir * String(x).localeCompare(String(y));
    });
    tbody.replaceChildren(...shown.map((r) => {
      const tr = el('tr');
      for (const v of r) tr.append(el('td', {}, fmt(v)));
      return tr;
    }));
    count.textContent = `${shown.length} of ${rows.length} trials (* on the Pareto front); click a header to sort`;
  }
  const count = el('p', { id: 'trial-count' });
  filter.addEventListener('input', render);
  host.append(filter, count, el('div', { class: 'scroll' }));
  (host.lastElementChild as HTMLElement).append(table);
  render();
}

function comparison(host: HTMLElement, data: ReportData): void {
  const table = el('table', { id: 'runs' });
  const head = el('tr');
  for (const c of ['run', 'method', 'seed', 'problem', 'evaluations', 'complete', 'seconds', 'hypervolume']) head.append(el('th', {}, c));
  table.append(el('thead'), el('tbody'));
  table.tHead!.append(head);
  for (const run of data.runs) {
    const tr = el('tr');
    const complete = run.trials.filter((t) => t.state === 'complete').length;
    for (const v of [run.dir, run.method, run.seed, run.problem ?? '', run.trials.length, complete, run.elapsedSeconds, run.hypervolume]) tr.append(el('td', {}, fmt(v)));
    table.tBodies[0].append(tr);
  }
  host.append(table);
}

let charts: Record<string, echarts.ECharts> = {};

window.addEventListener('resize', () => { for (const c of Object.values(charts)) c.resize(); });

/** Draw every view of `data` (again: the dashboard redraws when trials arrive). */
export function render(data: ReportData): void {
  const byId = (id: string) => document.getElementById(id)!;
  for (const c of Object.values(charts)) c.dispose();
  charts = {};
  for (const id of ['summary', 'details', 'table']) byId(id).replaceChildren();
  comparison(byId('summary'), data);
  if (data.runs[0].objectives.length >= 2) charts.front = frontChart(byId('front'), data, byId('details'));
  else byId('front').textContent = 'One objective: no front to draw.';
  charts.hvEvaluations = hvChart(byId('hv-evaluations'), data, 0);
  charts.hvTime = hvChart(byId('hv-time'), data, 1);
  if (data.runs[0].params.length > 0) charts.parallel = parallelChart(byId('parallel'), data, 0);
  trialTable(byId('table'), data);
  (window as unknown as { paretonasReport: unknown }).paretonasReport = { data, charts };
}

