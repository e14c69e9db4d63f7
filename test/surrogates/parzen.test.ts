import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/rng.ts';
import { EPS, jamesBandwidths, ParzenEstimator } from '../../src/surrogates/parzen.ts';
import { expectAllClose, expectClose } from '../helpers/tolerance.ts';

/** Composite Simpson's rule with n (even) intervals. */
function simpson(f: (x: number) => number, a: number, b: number, n = 20000): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

describe('jamesBandwidths', () => {
  // Centres: samples 0.1, 0.7, 0.4 and the prior 0.5 on [0, 1]; m = 4, so the clip range is
  // [1/4, 1]. Sorted: 0.1 (t=0), 0.4 (t=2), 0.5 (t=3, prior), 0.7 (t=1); order = [0, 2, 3, 1].
  const mus = Float64Array.of(0.1, 0.7, 0.4, 0.5);

  it("'fixed' pads with lb/ub and pairs each bandwidth with its own centre", () => {
    // padded [0, .1, .4, .5, .7, 1]: gaps max(.1,.3)=.3, max(.3,.1)=.3, max(.1,.2)=.2 -> .25, max(.2,.3)=.3;
    // the prior's sorted position (2) gets ub - lb = 1; back to input order: [.3, .3, .3, 1]
    expectAllClose(jamesBandwidths(mus, 0, 1, 'fixed'), [0.3, 0.3, 0.3, 1], 1e-12);
  });

  it("'paper' pads with the extreme centres and pairs by sigma[order[t]] (docs/methods.md#odd-20)", () => {
    // padded [.1, .1, .4, .5, .7, .7]: max(0,.3)=.3, max(.3,.1)=.3, max(.1,.2)=.2 -> .25, max(.2,0)=.2 -> .25;
    // prior position 2 -> 1: sorted sigmas [.3, .3, 1, .25]; component t gets sorted[order[t]]:
    // t=0 -> sorted[0] = .3, t=1 -> sorted[2] = 1, t=2 -> sorted[3] = .25, t=3 (prior) -> sorted[1] = .3
    expectAllClose(jamesBandwidths(mus, 0, 1, 'paper'), [0.3, 1, 0.25, 0.3], 1e-12);
  });

  it('clips at (ub - lb)/100 beyond 100 centres, and the padding decides the end bandwidths', () => {
    // 200 samples at 0.3 and the prior at 1 on [-1, 3]: range 4, lower clip 4/100 = 0.04.
    const m = new Float64Array(201).fill(0.3);
    m[200] = 1;
    const fixed = jamesBandwidths(m, -1, 3, 'fixed');
    // first sample: gap to lb = 1.3; inner samples: 0 -> 0.04; last sample: gap to the prior 0.7; prior: 4
    expectClose(fixed[0], 1.3, 1e-12);
    for (let i = 1; i < 199; i++) expectClose(fixed[i], 0.04, 1e-12);
    expectClose(fixed[199], 0.7, 1e-12);
    expect(fixed[200]).toBe(4);
    const paper = jamesBandwidths(m, -1, 3, 'paper');
    // padding with the first centre itself: gap 0 -> 0.04 (order is the identity here)
    expectClose(paper[0], 0.04, 1e-12);
    expectClose(paper[199], 0.7, 1e-12);
    expect(paper[200]).toBe(4);
  });

  it('gives the prior alone the full range', () => {
    expectAllClose(jamesBandwidths(Float64Array.of(0.5), 0, 1, 'fixed'), [1]);
    expectAllClose(jamesBandwidths(Float64Array.of(0.5), 0, 1, 'paper'), [1]);
  });
});

describe('ParzenEstimator', () => {
  const samples = Float64Array.of(0, 0.05, 0.1, 0.12, 0.5, 0.93, 1);

  for (const variant of ['fixed', 'paper'] as const) {
    it(`continuous pdf integrates to 1 over [lb, ub] (${variant})`, () => {
      for (const [lb, ub, xs] of [[0, 1, samples], [-2, 5, Float64Array.of(-2, 4.9, 1)], [0, 1, new Float64Array(0)]] as const) {
        const pe = new ParzenEstimator(xs, { lb, ub, variant });
        expectClose(simpson((x) => pe.pdf(x), lb, ub), 1, 1e-7, 0, `[${lb}, ${ub}]`);
        expect(pe.size).toBe(xs.length + 1);
      }
    });
  }

  it('discrete masses (fixed) sum to 1 over the grid lb + (j + 1/2) q', () => {
    for (const k of [2, 3, 5, 11]) {
      const q = 1 / k;
      const xs = Float64Array.from([0, 0, 1, k - 1], (j) => (j + 0.5) * q);
      const pe = new ParzenEstimator(xs, { lb: 0, ub: 1, q });
      let total = 0;
      for (let j = 0; j < k; j++) total += pe.pdf((j + 0.5) * q);
      expectClose(total, 1, 1e-12, 0, `k=${k}`);
    }
    // the reference code's coordinates: [-q/2, 1 + q/2] with values at multiples of q
    const q = 1 / 4;
    const pe = new ParzenEstimator(Float64Array.of(0, 0.25, 1), { lb: -q / 2, ub: 1 + q / 2, q });
    let total = 0;
    for (let j = 0; j <= 4; j++) total += pe.pdf(j * q);
    expectClose(total, 1, 1e-12);
  });

  it("the paper variant's discrete pdf is the constant eps (docs/methods.md#odd-19)", () => {
    const q = 1 / 3;
    const pe = new ParzenEstimator(Float64Array.of(q / 2, q / 2, 1.5 * q, 2.5 * q), { lb: 0, ub: 1, q, variant: 'paper' });
    const lls = new Set<number>();
    for (let j = 0; j < 3; j++) {
      const x = (j + 0.5) * q;
      expectClose(pe.pdf(x), EPS, 1e-12);
      for (let c = 0; c < pe.size; c++) expect(pe.componentPdf(c, x)).toBe(EPS);
      lls.add(pe.logPdf(x));
    }
    expect(lls.size).toBe(1);
  });

  for (const variant of ['fixed', 'paper'] as const) {
    it(`continuous samples lie in [lb, ub] and follow the pdf (${variant})`, () => {
      const lb = -1, ub = 2;
      const pe = new ParzenEstimator(Float64Array.of(-1, -0.9, 0.3, 0.35, 1.8), { lb, ub, variant });
      const n = 40000;
      const draws = pe.sample(new Rng(7), n);
      const bins = 15;
      const counts = new Float64Array(bins);
      for (const x of draws) {
        expect(x >= lb && x <= ub).toBe(true);
        counts[Math.min(bins - 1, Math.floor(((x - lb) / (ub - lb)) * bins))]++;
      }
      const w = (ub - lb) / bins;
      for (let b = 0; b < bins; b++) {
        const expected = n * simpson((x) => pe.pdf(x), lb + b * w, lb + (b + 1) * w, 400);
        // 5 standard deviations of a binomial count
        expect(Math.abs(counts[b] - expected)).toBeLessThan(5 * Math.sqrt(expected) + 1);
      }
    });
  }

  it('discrete samples lie on the grid and follow the masses (fixed)', () => {
    const k = 5, q = 1 / k;
    const pe = new ParzenEstimator(Float64Array.of(0.1, 0.1, 0.3, 0.9), { lb: 0, ub: 1, q });
    const n = 30000;
    const draws = pe.sample(new Rng(3), n);
    const counts = new Float64Array(k);
    for (const x of draws) {
      const j = Math.round(x / q - 0.5);
      expectClose(x, (j + 0.5) * q, 1e-12);
      counts[j]++;
    }
    for (let j = 0; j < k; j++) {
      const expected = n * pe.pdf((j + 0.5) * q);
      expect(Math.abs(counts[j] - expected)).toBeLessThan(5 * Math.sqrt(expected) + 1);
    }
  });

  it('logPdf is ln(pdf + eps); logPdfMany matches it; sampling is seeded', () => {
    const pe = new ParzenEstimator(samples);
    const xs = Float64Array.of(0, 0.3, 0.77, 1);
    const ll = pe.logPdfMany(xs);
    xs.forEach((x, i) => expect(ll[i]).toBe(Math.log(pe.pdf(x) + EPS)));
    expect(Array.from(pe.sample(new Rng(1), 24))).toEqual(Array.from(pe.sample(new Rng(1), 24)));
  });

  it('does not mutate its samples and validates its arguments', () => {
    const xs = Float64Array.of(0.2, 0.8);
    new ParzenEstimator(xs, { q: 0.2 });
    expect(Array.from(xs)).toEqual([0.2, 0.8]);
    expect(() => new ParzenEstimator(Float64Array.of(1.5))).toThrow(/samples\[0\]/);
    expect(() => new ParzenEstimator([], { lb: 1, ub: 0 })).toThrow(/lb < ub/);
    expect(() => new ParzenEstimator([], { q: 0 })).toThrow(/q must be/);
    expect(() => new ParzenEstimator([], { variant: 'x' as never })).toThrow(/variant/);
    expect(() => new ParzenEstimator([]).sample(new Rng(0), -1)).toThrow(/non-negative/);
  });
});
