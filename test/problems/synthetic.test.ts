import { describe, expect, it } from 'vitest';
import { hypervolume } from '../../src/pareto/hypervolume.ts';
import { isNonDominated } from '../../src/pareto/nonDominated.ts';
import { makeProblem } from '../../src/problems/index.ts';
import { BraninCurrin, Dtlz2, Zdt1, Zdt2, Zdt3, branin, currin } from '../../src/problems/synthetic.ts';
import { Rng } from '../../src/random/rng.ts';

describe('synthetic problems', () => {
  it('Branin and Currin match their known values', () => {
    // Branin's three global minima are 0.397887
    for (const [u, v] of [[-Math.PI, 12.275], [Math.PI, 2.275], [9.42478, 2.475]]) expect(branin(u, v)).toBeCloseTo(0.397887, 5);
    expect(currin(0, 0)).toBeCloseTo(60 / 20, 12); // the x2 = 0 factor is 1
    const p = new BraninCurrin();
    const r = p.evaluate({ x0: (Math.PI + 5) / 15, x1: 2.275 / 15 });
    expect(r.values[0]).toBeCloseTo(-0.397887, 5);
    expect(p.objectives.map((o) => o.direction)).toEqual(['maximize', 'maximize']);
    // points beating the reference point exist (the paper's thresholds (0, 8) admit none)
    const rng = new Rng(1);
    let inside = 0;
    for (let i = 0; i < 1000; i++) {
      const v = p.evaluate({ x0: rng.random(), x1: rng.random() }).values;
      if (v[0] > p.referencePoint[0] && v[1] > p.referencePoint[1]) inside++;
    }
    expect(inside).toBeGreaterThan(10);
  });

  it('the ZDT and DTLZ2 fronts are attained by their optimal solutions and are non-dominated', () => {
    for (const P of [Zdt1, Zdt2, Zdt3]) {
      const p = new P(8);
      const front = p.paretoFront(101);
      expect(isNonDominated(front, 2).every((k) => k === 1)).toBe(true);
      for (let i = 0; i < 101; i += 10) {
        const x = { x0: front[2 * i], ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((k) => [`x${k}`, 0])) };
        if (P !== Zdt3) expect(p.evaluate(x).values).toEqual([front[2 * i], front[2 * i + 1]]);
      }
    }
    // ZDT1's front: f2 = 1 - sqrt(f1); its hypervolume w.r.t. (1, 1) is the integral of sqrt(f1), 2/3
    expect(hypervolume(new Zdt1().paretoFront(20001), 2, [1, 1])).toBeCloseTo(2 / 3, 4);
    const d = new Dtlz2(3);
    const f = d.paretoFront(200);
    for (let i = 0; i < 200; i++) expect(Math.hypot(f[3 * i], f[3 * i + 1], f[3 * i + 2])).toBeCloseTo(1, 12);
  });

  it('fidelity: seeded noise that vanishes at the full budget, cost proportional to the budget', () => {
    const p = new Zdt1(5);
    const x = { x0: 0.3, x1: 0.2, x2: 0.1, x3: 0.4, x4: 0.5 };
    const exact = p.evaluate(x).values;
    expect(p.evaluate(x, { budget: 25 }).values).toEqual(exact);
    const low = p.evaluate(x, { budget: 5, seed: 1 });
    expect(low.values).toEqual(p.evaluate(x, { budget: 5, seed: 1 }).values);
    expect(low.values).not.toEqual(p.evaluate(x, { budget: 5, seed: 2 }).values);
    expect(low.values).not.toEqual(exact);
    expect(low.cost).toBeCloseTo(0.2, 12);
    // noise shrinks with the budget: spread over seeds at budget 5 vs 20
    const spread = (b: number) => {
      const v = Array.from({ length: 200 }, (_, s) => p.evaluate(x, { budget: b, seed: s }).values[0]);
      const m = v.reduce((a, c) => a + c, 0) / v.length;
      return Math.sqrt(v.reduce((a, c) => a + (c - m) ** 2, 0) / v.length);
    };
    expect(spread(5)).toBeCloseTo(0.1 * 0.8, 1);
    expect(spread(20)).toBeLessThan(spread(5) / 2);
    expect(() => p.evaluate(x, { budget: 30 })).toThrow(/zdt1.evaluate: budget must be in \[1, 25\], got 30/);
    expect(() => p.evaluate({ x0: 2, x1: 0, x2: 0, x3: 0, x4: 0 })).toThrow(/'x0' must be in \[0, 1\]/);
  });

  it('makeProblem builds problems by name and rejects unknown names', async () => {
    expect((await makeProblem('dtlz2', { nObj: 4 })).objectives.length).toBe(4);
    expect((await makeProblem('zdt2', { nVars: 3 })).space.dim).toBe(3);
    await expect(makeProblem('zdt9')).rejects.toThrow(/unknown problem 'zdt9'/);
  });
});
