// Writes the self-contained HTML report: the page script (dist/report/app.bundle.js, built by
// `npm run build:report`: src/report/app.ts with Apache ECharts) and the data inline, so the
// file opens offline, with no server.
import { readFileSync } from 'node:fs';
import { packageFile } from '../platform/package-file.ts';
import { DATA_ELEMENT, type ReportData } from './data.ts';

const BUNDLE = packageFile('dist/report/app.bundle.js');

/** The page script; an Error saying how to build it when it is missing. */
export function reportScript(): string {
  try {
    return readFileSync(BUNDLE, 'utf8');
  } catch (err) {
    throw new Error(`the report's page script is missing (${BUNDLE.pathname}); build it with \`npm run build\``, { cause: err });
  }
}

/** Text safe inside a <script> element (no "</script", no "<!--"). */
function scriptText(s: string): string {
  return s.replace(/<\//g, '<\\/').replace(/<!--/g, '<\\!--');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px 24px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
.chart { width: 100%; height: 460px; } .half { display: flex; gap: 16px; } .half > .chart { flex: 1; height: 360px; }
#parallel { height: 440px; } #details pre { background: #f6f6f6; padding: 8px; max-height: 300px; overflow: auto; }
table { border-collapse: collapse; font-size: 12px; } th, td { border: 1px solid #ddd; padding: 2px 6px; text-align: right; }
th { background: #f0f0f0; cursor: pointer; position: sticky; top: 0; } .scroll { max-height: 480px; overflow: auto; }
`;

const VIEWS = `<div id="summary"></div>
<h2>Evaluations and Pareto front</h2><p>Hover a point for its trial; click it to keep its details below; scroll to zoom.</p>
<div id="front" class="chart"></div><div id="details"></div>
<h2>Hypervolume</h2><div class="half"><div id="hv-evaluations" class="chart"></div><div id="hv-time" class="chart"></div></div>
<h2>Hyperparameters</h2><p>Drag along an axis to select a range.</p><div id="parallel" class="chart"></div>
<h2>Trials</h2><div id="table"></div>`;

/** The page of `paretonas dashboard`: the same views, filled from the server's API (api/studies, api/study?id=). */
export function dashboardHtml(source: string, script = reportScript()): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>paretonas dashboard: ${escapeHtml(source)}</title><style>${STYLE}</style></head>
<body>
<h1>paretonas dashboard: ${escapeHtml(source)}</h1>
<p><a href="dist/report/search.html" id="search-page">Run a search in a browser tab</a> (synthetic problems, or Flowers / Fashion-MNIST from data files you choose; download its journal to keep it) · <a href="dist/report/bench.html" id="bench-page">Benchmark this browser</a></p>
<div id="studies"></div><p id="live"></p>
${VIEWS}
<script>${scriptText(script)}</script>
</body></html>
`;
}

export function reportHtml(data: ReportData, script = reportScript()): string {
  const title = data.runs.length === 1 ? `${data.runs[0].name} on ${data.runs[0].problem ?? '?'}` : `${data.runs.length} runs`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>paretonas report: ${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<h1>paretonas report: ${escapeHtml(title)}</h1>
<p>Generated ${escapeHtml(data.generated)} from ${data.runs.map((r) => escapeHtml(r.dir)).join(', ')}.</p>
${VIEWS}
<script type="application/json" id="${DATA_ELEMENT}">${scriptText(JSON.stringify(data))}</script>
<script>${scriptText(script)}</script>
</body></html>
`;
}
