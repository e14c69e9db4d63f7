import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/rng.ts';
import { SOBOL_MAX_DIM, Sobol } from '../../src/space/sobol.ts';

const TWO32 = 4294967296;

/** Coordinate d of point i of a row-major sample. */
function coord(pts: Float64Array, dim: number, i: number, d: number): number {
  return pts[i * dim + d];
}

/** Counts of the first n points of coordinate d in the 2^j dyadic intervals of length 2^-j. */
function dyadicCounts(pts: Float64Array, dim: number, n: number, d: number, j: number): Int32Array {
  const counts = new Int32Array(1 << j);
  for (let i = 0; i < n; i++) counts[Math.floor(coord(pts, dim, i, d) * (1 << j))]++;
  return counts;
}

/** Asserts the balance property of the first 2^k points in every coordinate, for every j <= k. */
function expectBalanced(pts: Float64Array, dim: number, k: number): void {
  for (let d = 0; d < dim; d++) {
    for (let j = 1; j <= k; j++) {
      const counts = dyadicCounts(pts, dim, 1 << k, d, j);
      const expected = 1 << (k - j);
      for (let c = 0; c < counts.length; c++) {
        if (counts[c] !== expected) {
          throw new Error(`dim ${d + 1}, 2^${k} points, interval ${c}/2^${j}: ${counts[c]} != ${expected}`);
        }
      }
    }
  }
}

/** Asserts every elementary box [a/2^p, (a+1)/2^p) x [b/2^q, (b+1)/2^q), p+q=k, of coordinates (0,1) holds one point. */
function expectZeroNet2D(pts: Float64Array, dim: number, k: number): void {
  const n = 1 << k;
  for (let p = 0; p <= k; p++) {
    const q = k - p;
    const counts = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const a = Math.floor(coord(pts, dim, i, 0) * (1 << p));
      const b = Math.floor(coord(pts, dim, i, 1) * (1 << q));
      counts[(a << q) | b]++;
    }
    for (let c = 0; c < n; c++) {
      if (counts[c] !== 1) throw new Error(`k=${k}, boxes 2^-${p} x 2^-${q}: box ${c} holds ${counts[c]} points`);
    }
  }
}

describe('Sobol (unscrambled)', () => {
  it('starts with the points derived by hand from the definition', () => {
    // dim 1: van der Corput in Gray-code order; dim 2: s=1, m = 1, 3, 5, 15, ...;
    // dim 3: s=2, a=1, m = 1, 3, 5, ...
    const expected = [
      [0, 0, 0],
      [0.5, 0.5, 0.5],
      [0.75, 0.25, 0.25],
      [0.25, 0.75, 0.75],
      [0.375, 0.375, 0.625],
      [0.875, 0.875, 0.125],
      [0.625, 0.125, 0.875],
      [0.125, 0.625, 0.375],
    ];
    const s = new Sobol(3, { scramble: false });
    for (const row of expected) expect(Array.from(s.next())).toEqual(row);
    const vdc = new Sobol(1, { scramble: false });
    expect(Array.from(vdc.draw(6))).toEqual([0, 0.5, 0.75, 0.25, 0.375, 0.875]);
  });

  it('first point is all zeros in every dimension', () => {
    const s = new Sobol(SOBOL_MAX_DIM, { scramble: false });
    expect(Array.from(s.next()).every((v) => v === 0)).toBe(true);
  });

  it('supports at least 40 dimensions', () => {
    expect(SOBOL_MAX_DIM).toBeGreaterThanOrEqual(40);
    expect(new Sobol(SOBOL_MAX_DIM).dim).toBe(SOBOL_MAX_DIM);
  });

  it('the first 2^k points of every dimension are a permutation of {i/2^k}', () => {
    const dim = SOBOL_MAX_DIM;
    const k = 10;
    const n = 1 << k;
    const pts = new Sobol(dim, { scramble: false }).draw(n);
    for (let d = 0; d < dim; d++) {
      const vals: number[] = [];
      for (let i = 0; i < n; i++) vals.push(coord(pts, dim, i, d) * n);
      vals.sort((a, b) => a - b);
      for (let i = 0; i < n; i++) {
        if (vals[i] !== i) throw new Error(`dim ${d + 1}: sorted value ${i} is ${vals[i]}/${n}`);
      }
    }
  });

  it('balance: 2^(k-j) of the first 2^k points in every dyadic interval of length 2^-j, all dims', () => {
    const dim = SOBOL_MAX_DIM;
    const pts = new Sobol(dim, { scramble: false }).draw(1 << 12);
    for (let k = 1; k <= 12; k++) expectBalanced(pts, dim, k);
  });

  it('the first two dimensions form (0,k,2)-nets: one point per elementary box of area 2^-k', () => {
    const pts = new Sobol(2, { scramble: false }).draw(1 << 12);
    for (let k = 1; k <= 12; k++) expectZeroNet2D(pts, 2, k);
  });

  it('every point lies in [0,1) and the dimensions are pairwise distinct sequences', () => {
    const dim = SOBOL_MAX_DIM;
    const n = 256;
    const pts = new Sobol(dim, { scramble: false }).draw(n);
    expect(pts.every((v) => v >= 0 && v < 1)).toBe(true);
    const columns = new Set<string>();
    for (let d = 0; d < dim; d++) {
      const col: number[] = [];
      for (let i = 0; i < n; i++) col.push(coord(pts, dim, i, d));
      columns.add(col.join(','));
    }
    expect(columns.size).toBe(dim);
  });
});

describe('Sobol (scrambled)', () => {
  it('balance holds after scrambling, for several seeds', () => {
    const dim = SOBOL_MAX_DIM;
    for (const seed of [0, 1, 12345]) {
      const pts = new Sobol(dim, { seed }).draw(1 << 11);
      for (let k = 1; k <= 11; k++) expectBalanced(pts, dim, k);
    }
  });

  it('the first two dimensions remain (0,k,2)-nets after scrambling', () => {
    for (const seed of [0, 7, 99]) {
      const pts = new Sobol(2, { seed }).draw(1 << 12);
      for (let k = 1; k <= 12; k++) expectZeroNet2D(pts, 2, k);
    }
  });

  it('is reproducible from its seed, and different seeds give different points', () => {
    const a = new Sobol(8, { seed: 42 }).draw(64);
    const b = new Sobol(8, { seed: 42 }).draw(64);
    const c = new Sobol(8, { seed: 43 }).draw(64);
    expect(Array.from(a)).toEqual(Array.from(b));
    let differing = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== c[i]) differing++;
    expect(differing).toBeGreaterThan(a.length / 2);
    // Default options scramble with a fixed default seed.
    expect(Array.from(new Sobol(4).draw(8))).toEqual(Array.from(new Sobol(4, { seed: 0, scramble: true }).draw(8)));
  });

  it('the first d coordinates do not depend on how many dimensions were requested', () => {
    const small = new Sobol(3, { seed: 5 }).draw(100);
    const big = new Sobol(20, { seed: 5 }).draw(100);
    for (let i = 0; i < 100; i++) {
      for (let d = 0; d < 3; d++) expect(coord(small, 3, i, d)).toBe(coord(big, 20, i, d));
    }
  });

  it('points lie in [0,1), and the first point is not the origin', () => {
    const s = new Sobol(SOBOL_MAX_DIM, { seed: 3 });
    const first = s.next();
    expect(Array.from(first).some((v) => v !== 0)).toBe(true);
    const pts = s.draw(5000);
    let outside = 0;
    for (const v of first) if (!(v >= 0 && v < 1)) outside++;
    for (const v of pts) if (!(v >= 0 && v < 1)) outside++;
    expect(outside).toBe(0);
  });

  it('applies a linear scramble, not only a digital shift', () => {
    // With a pure digital shift e, point_i XOR point_0 would equal the plain point_i.
    const dim = 6;
    const n = 64;
    const plain = new Sobol(dim, { scramble: false }).draw(n);
    const scr = new Sobol(dim, { seed: 11 }).draw(n);
    for (let d = 0; d < dim; d++) {
      const e = coord(scr, dim, 0, d) * TWO32;
      let same = true;
      for (let i = 0; i < n; i++) {
        const x = ((coord(scr, dim, i, d) * TWO32) ^ e) >>> 0;
        if (x !== coord(plain, dim, i, d) * TWO32) same = false;
      }
      expect(same).toBe(false);
    }
  });

  it('mean of 4096 points is within 1e-3 of 0.5 in every dimension', () => {
    const dim = SOBOL_MAX_DIM;
    const n = 4096;
    const pts = new Sobol(dim, { seed: 2024 }).draw(n);
    for (let d = 0; d < dim; d++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += coord(pts, dim, i, d);
      expect(Math.abs(sum / n - 0.5)).toBeLessThan(1e-3);
    }
  });

  it('integrates a smooth 5-D function at least 5x more accurately than pseudo-random sampling', () => {
    // f(x) = prod_j exp(x_j) / (e - 1) has integral exactly 1 over [0,1]^5.
    const dim = 5;
    const n = 1024;
    const f = (x: Float64Array, o: number): number => {
      let p = 1;
      for (let j = 0; j < dim; j++) p *= Math.exp(x[o + j]) / (Math.E - 1);
      return p;
    };
    const errors = (seed: number): { qmc: number; mc: number } => {
      const qmc = new Sobol(dim, { seed }).draw(n);
      const rng = new Rng(seed);
      const mc = new Float64Array(n * dim);
      for (let i = 0; i < mc.length; i++) mc[i] = rng.random();
      let sq = 0;
      let sm = 0;
      for (let i = 0; i < n; i++) {
        sq += f(qmc, i * dim);
        sm += f(mc, i * dim);
      }
      return { qmc: Math.abs(sq / n - 1), mc: Math.abs(sm / n - 1) };
    };
    // The fixed seed.
    const one = errors(1);
    expect(one.qmc * 5).toBeLessThan(one.mc);
    // And in root-mean-square over several seeds, so the claim does not rest on one draw.
    let rq = 0;
    let rm = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const e = errors(seed);
      rq += e.qmc * e.qmc;
      rm += e.mc * e.mc;
    }
    expect(Math.sqrt(rq) * 5).toBeLessThan(Math.sqrt(rm));
  });
});

describe('Sobol navigation', () => {
  for (const scramble of [false, true]) {
    it(`skip(n) equals drawing n points (scramble=${scramble})`, () => {
      for (const n of [0, 1, 2, 3, 7, 100, 1023, 1024, 1025, 5000]) {
        const a = new Sobol(10, { seed: 9, scramble });
        const b = new Sobol(10, { seed: 9, scramble });
        a.draw(n);
        b.skip(n);
        expect(b.index).toBe(n);
        expect(Array.from(b.draw(5))).toEqual(Array.from(a.draw(5)));
      }
      // Skips compose with each other and with next().
      const a = new Sobol(4, { seed: 9, scramble });
      const b = new Sobol(4, { seed: 9, scramble });
      a.draw(37 + 1 + 200);
      b.skip(37);
      b.next();
      b.skip(200);
      expect(Array.from(b.next())).toEqual(Array.from(a.next()));
    });

    it(`draw(n) matches n calls of next() (scramble=${scramble})`, () => {
      const dim = 7;
      const a = new Sobol(dim, { seed: 4, scramble });
      const b = new Sobol(dim, { seed: 4, scramble });
      const drawn = a.draw(300);
      for (let i = 0; i < 300; i++) {
        const p = b.next();
        expect(p.length).toBe(dim);
        expect(Array.from(p)).toEqual(Array.from(drawn.subarray(i * dim, (i + 1) * dim)));
      }
      expect(a.index).toBe(300);
      expect(b.index).toBe(300);
    });
  }

  it('next(out) writes into the given array and returns it', () => {
    const a = new Sobol(3, { seed: 1 });
    const b = new Sobol(3, { seed: 1 });
    const out = new Float64Array(5).fill(-1);
    const r = a.next(out);
    expect(r).toBe(out);
    expect(Array.from(out.subarray(0, 3))).toEqual(Array.from(b.next()));
    expect(out[3]).toBe(-1);
    expect(a.index).toBe(1);
  });

  it('provides exactly 2^32 points, then refuses', () => {
    const plain = new Sobol(2, { scramble: false });
    plain.skip(TWO32 - 2);
    // Point 2^32-2 has Gray code 2^31 + 1 and point 2^32-1 has Gray code 2^31: dimension 1 gives
    // 2^-32 + 2^-1 and 2^-32.
    expect(plain.next()[0]).toBe(0.5 + 1 / TWO32);
    expect(plain.next()[0]).toBe(1 / TWO32);
    expect(plain.index).toBe(TWO32);
    expect(() => plain.next()).toThrow(RangeError);
    expect(() => plain.draw(1)).toThrow(RangeError);
    expect(() => plain.skip(1)).toThrow(RangeError);
    plain.skip(0);
    expect(plain.draw(0).length).toBe(0);
    const s = new Sobol(2, { seed: 1 });
    expect(() => s.skip(TWO32 + 1)).toThrow(/Sobol/);
  });
});

describe('Sobol validation', () => {
  it('rejects a dimension out of range or not an integer', () => {
    for (const dim of [0, -1, 1.5, NaN, Infinity, SOBOL_MAX_DIM + 1]) {
      expect(() => new Sobol(dim)).toThrow(RangeError);
      expect(() => new Sobol(dim)).toThrow(/Sobol.*dim/);
    }
  });

  it('rejects a bad seed or scramble option', () => {
    expect(() => new Sobol(2, { seed: NaN })).toThrow(/Sobol.*seed/);
    expect(() => new Sobol(2, { seed: Infinity })).toThrow(RangeError);
    expect(() => new Sobol(2, { seed: '1' as unknown as number })).toThrow(/Sobol.*seed/);
    expect(() => new Sobol(2, { scramble: 1 as unknown as boolean })).toThrow(/Sobol.*scramble/);
  });

  it('rejects a non-integer or negative n in skip and draw', () => {
    const s = new Sobol(2);
    for (const n of [-1, 1.5, NaN, Infinity]) {
      expect(() => s.skip(n)).toThrow(RangeError);
      expect(() => s.skip(n)).toThrow(/Sobol.*skip.*n/);
      expect(() => s.draw(n)).toThrow(RangeError);
      expect(() => s.draw(n)).toThrow(/Sobol.*draw.*n/);
    }
    expect(s.index).toBe(0);
  });

  it('rejects an out array that is too short', () => {
    const s = new Sobol(3);
    expect(() => s.next(new Float64Array(2))).toThrow(/Sobol.*out/);
    expect(s.index).toBe(0);
  });

  it('never calls Math.random', () => {
    const original = Math.random;
    Math.random = () => {
      throw new Error('Math.random called');
    };
    try {
      new Sobol(5, { seed: 3 }).draw(10);
      new Sobol(5, { scramble: false }).draw(10);
    } finally {
      Math.random = original;
    }
  });
});
