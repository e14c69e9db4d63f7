// Minimal SVG line/scatter charts for `paretonas report` (no dependencies).

export interface Series {
  name: string;
  /** [x, y] pairs ('band': the upper edge left to right, then the lower edge right to left) */
  points: [number, number][];
  kind: 'points' | 'line' | 'step' | 'band' | 'rects';
  color?: string;
  /** 'rects': [xmin, ymin, xmax, ymax, value] with value in [-1, 1] (blue above 0, red below; infinite edges meet the frame) */
  rects?: [number, number, number, number, number][];
}

export interface Chart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
}

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** About `count` round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function label(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(4)));
}

/** One chart as a <g> of width w and height h at (x0, y0). */
export function chartGroup(c: Chart, x0: number, y0: number, w: number, h: number, paletteOffset = 0): string {
  const m = { l: 64, r: 16, t: 28, b: 44 };
  const pw = w - m.l - m.r, ph = h - m.t - m.b;
  const finite = (v: number) => Number.isFinite(v);
  const xs = c.series.flatMap((s) => [...s.points.map((p) => p[0]), ...(s.rects ?? []).flatMap((r) => [r[0], r[2]]).filter(finite)]);
  const ys = c.series.flatMap((s) => [...s.points.map((p) => p[1]), ...(s.rects ?? []).flatMap((r) => [r[1], r[3]]).filter(finite)]);
  let [xlo, xhi] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  let [ylo, yhi] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  if (xhi === xlo) [xlo, xhi] = [xlo - 1, xhi + 1];
  if (yhi === ylo) [ylo, yhi] = [ylo - 1, yhi + 1];
  const padY = (yhi - ylo) * 0.05, padX = (xhi - xlo) * 0.03;
  ylo -= padY; yhi += padY; xlo -= padX; xhi += padX;
  const sx = (x: number) => m.l + ((x - xlo) / (xhi - xlo)) * pw;
  const sy = (y: number) => m.t + ph - ((y - ylo) / (yhi - ylo)) * ph;
  const parts: string[] = [`<g transform="translate(${x0},${y0})">`];
  parts.push(`<text x="${m.l + pw / 2}" y="16" text-anchor="middle" font-size="14" font-weight="bold">${esc(c.title)}</text>`);
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  for (const t of ticks(xlo, xhi)) {
    parts.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${m.t + ph}" y2="${m.t + ph + 4}" stroke="#333"/>`);
    parts.push(`<text x="${sx(t)}" y="${m.t + ph + 16}" text-anchor="middle" font-size="11">${label(t)}</text>`);
  }
  for (const t of ticks(ylo, yhi)) {
    parts.push(`<line x1="${m.l - 4}" x2="${m.l}" y1="${sy(t)}" y2="${sy(t)}" stroke="#333"/>`);
    parts.push(`<text x="${m.l - 6}" y="${sy(t) + 4}" text-anchor="end" font-size="11">${label(t)}</text>`);
  }
  parts.push(`<text x="${m.l + pw / 2}" y="${h - 8}" text-anchor="middle" font-size="12">${esc(c.xLabel)}</text>`);
  parts.push(`<text transform="translate(14,${m.t + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(c.yLabel)}</text>`);
  c.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[(i + paletteOffset) % PALETTE.length];
    if (s.kind === 'rects') {
      const clampX = (v: number) => Math.min(Math.max(sx(v), m.l), m.l + pw);
      const clampY = (v: number) => Math.min(Math.max(sy(v), m.t), m.t + ph);
      for (const [x0r, y0r, x1r, y1r, v] of s.rects ?? []) {
        const xa = clampX(x0r), xb = clampX(x1r), ya = clampY(y1r), yb = clampY(y0r);
        const fill = v > 0 ? '#2166ac' : '#b2182b';
        parts.push(`<rect x="${Math.min(xa, xb).toFixed(1)}" y="${Math.min(ya, yb).toFixed(1)}" width="${Math.abs(xb - xa).toFixed(1)}" height="${Math.abs(yb - ya).toFixed(1)}" fill="${fill}" fill-opacity="${(0.15 + 0.75 * Math.min(1, Math.abs(v))).toFixed(2)}" stroke="none"/>`);
      }
    } else if (s.kind === 'band') {
      if (s.points.length > 0) {
        parts.push(`<polygon points="${s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}" fill="${color}" fill-opacity="0.18" stroke="none"/>`);
      }
    } else if (s.kind === 'points') {
      for (const [x, y] of s.points) parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${color}" fill-opacity="0.5"/>`);
    } else if (s.points.length > 0) {
      const pts: string[] = [];
      s.points.forEach(([x, y], j) => {
        if (s.kind === 'step' && j > 0) pts.push(`${sx(x).toFixed(1)},${sy(s.points[j - 1][1]).toFixed(1)}`);
        pts.push(`${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
      });
      parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`);
    }
    parts.push(`<rect x="${m.l + 8}" y="${m.t + 8 + i * 16}" width="10" height="10" fill="${color}"/>`);
    parts.push(`<text x="${m.l + 22}" y="${m.t + 17 + i * 16}" font-size="11">${esc(s.name)}</text>`);
  });
  parts.push('</g>');
  return parts.join('\n');
}

/** Charts side by side in one SVG document. */
export function svgDocument(charts: Chart[], w = 520, h = 400): string {
  const body = charts.map((c, i) => chartGroup(c, i * w, 0, w, h)).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w * charts.length}" height="${h}" viewBox="0 0 ${w * charts.length} ${h}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${body}\n</svg>\n`;
}
