import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/rng.ts';
import { Mlp, MlpEnsemble } from '../../src/surrogates/mlp.ts';
import { MlpReference } from '../../src/surrogates/reference/mlp.ts';

function data(seed: number, n: number, d = 13): { x: Float64Array; y: Float64Array } {
  const rng = new Rng(seed);
  const x = new Float64Array(n * d), y = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += (x[i * d + j] = rng.random());
    y[2 * i] = s / 4; // smooth, roughly in [0, 3]
    y[2 * i + 1] = 2 * x[i * d] - x[i * d + 1] + Math.max(0, x[i * d + 2] - 0.5);
  }
  return { x, y };
}

function mse(pred: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (pred[i] - y[i]) ** 2;
  return s / y.length;
}

function variance(y: Float64Array): number {
  let v = 0;
  for (const k of [0, 1]) {
    let m = 0;
    for (let i = k; i < y.length; i += 2) m += y[i];
    m /= y.length / 2;
    for (let i = k; i < y.length; i += 2) v += (y[i] - m) ** 2;
  }
  return v / y.length;
}

describe('Mlp', () => {
  it('has the paper shape 13 → 10 → 2 with N(0, 1) weights and biases by default', () => {
    const net = new Mlp([13, 10, 2], new Rng(1));
    expect(net.params.length).toBe(13 * 10 + 10 + 10 * 2 + 2);
    expect(net.weights.map((w) => w.length)).toEqual([130, 20]);
    expect(net.biases.map((b) => b.length)).toEqual([10, 2]);
    const all = Array.from(net.params);
    const mean = all.reduce((a, b) => a + b, 0) / all.length;
    const sd = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / all.length);
    expect(Math.abs(mean)).toBeLessThan(0.25);
    expect(sd).toBeGreaterThan(0.8);
    expect(sd).toBeLessThan(1.2);
    const uniform = new Mlp([13, 10, 2], new Rng(1), 'uniform');
    expect(Math.max(...uniform.weights[0].map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(13));
    expect(Math.max(...uniform.biases[1].map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(10));
  });

  it('learns a simple function (held-out error far below the variance)', () => {
    const train = data(1, 400), test = data(2, 200);
    const net = new Mlp([13, 16, 2], new Rng(3), 'uniform');
    const before = mse(net.predict(test.x), test.y);
    net.train(train.x, train.y, new Rng(4), { epochs: 200, lr: 0.01 });
    const after = mse(net.predict(test.x), test.y);
    expect(after).toBeLessThan(0.05 * variance(test.y));
    expect(after).toBeLessThan(before / 20);
    // the paper's settings (N(0, 1) init, Adam 0.1, 80 epochs, batch 32) also fit it, if less well
    const paper = new Mlp([13, 10, 2], new Rng(3));
    const p0 = mse(paper.predict(test.x), test.y);
    const loss = paper.train(train.x, train.y, new Rng(4));
    expect(loss).toBeLessThan(p0 / 10);
    expect(mse(paper.predict(test.x), test.y)).toBeLessThan(0.5 * variance(test.y));
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const { x, y } = data(5, 100);
    const run = (initSeed: number, shuffleSeed: number) => {
      const net = new Mlp([13, 10, 2], new Rng(initSeed));
      const loss = net.train(x, y, new Rng(shuffleSeed), { epochs: 20 });
      return { loss, params: Array.from(net.params) };
    };
    expect(run(1, 2)).toEqual(run(1, 2));
    expect(run(1, 2).params).not.toEqual(run(9, 2).params);
    expect(run(1, 2).params).not.toEqual(run(1, 3).params);
  });

  it('matches the TypeScript twin bit for bit (any depth, partial last batches)', () => {
    for (const [sizes, n, batchSize, init] of [
      [[13, 10, 2], 75, 32, 'normal'],
      [[4, 7, 5, 3], 50, 8, 'uniform'],
      [[3, 1], 33, 32, 'normal'],
      [[6, 12, 12, 12, 2], 40, 64, 'uniform'],
    ] as const) {
      const rng = new Rng(n);
      const x = new Float64Array(n * sizes[0]).map(() => rng.random());
      const y = new Float64Array(n * sizes[sizes.length - 1]).map(() => rng.normal());
      const a = new Mlp(sizes, new Rng(11), init), b = new MlpReference(sizes, new Rng(11), init);
      const opts = { epochs: 15, batchSize, lr: 0.05 };
      const la = a.train(x, y, new Rng(12), opts), lb = b.train(x, y, new Rng(12), opts);
      expect(la).toBe(lb);
      const pb = new Float64Array(a.params.length);
      let off = 0;
      for (let l = 0; l < b.weights.length; l++) {
        pb.set(b.weights[l], off);
        pb.set(b.biases[l], off + b.weights[l].length);
        off += b.weights[l].length + b.biases[l].length;
      }
      expect(Array.from(a.params)).toEqual(Array.from(pb));
      expect(Array.from(a.predict(x))).toEqual(Array.from(b.predict(x)));
    }
  });

  it('validates its arguments, naming them', () => {
    expect(() => new Mlp([13], new Rng(1))).toThrow(/Mlp: sizes must list/);
    expect(() => new Mlp([13, 0, 2], new Rng(1))).toThrow(/Mlp: sizes/);
    const net = new Mlp([2, 3, 1], new Rng(1));
    expect(() => net.predict(Float64Array.of(1, 2, 3))).toThrow(/Mlp.predict: x has 3 values/);
    expect(() => net.train(Float64Array.of(1, 2), Float64Array.of(1, 2), new Rng(1))).toThrow(/Mlp.train: y has 2 rows, x has 1/);
    expect(() => net.train(Float64Array.of(1, Number.NaN), Float64Array.of(1), new Rng(1))).toThrow(/Mlp.train: x\[0\]\[1\] must be finite/);
    expect(() => net.train(Float64Array.of(1, 2), Float64Array.of(1), new Rng(1), { epochs: 0 })).toThrow(/Mlp.train: options.epochs/);
    expect(() => net.train(Float64Array.of(1, 2), Float64Array.of(1), new Rng(1), { beta2: 1 })).toThrow(/Mlp.train: options.beta2/);
    expect(() => net.reset(new Rng(1), 'he' as never)).toThrow(/Mlp.reset: init/);
    expect(net.train(new Float64Array(0), new Float64Array(0), new Rng(1))).toBe(0);
    expect(net.predict(new Float64Array(0)).length).toBe(0);
  });
});

describe('MlpEnsemble', () => {
  it('holds independently initialised members; train and predict per member; reset redraws', () => {
    const { x, y } = data(7, 60);
    const ens = new MlpEnsemble(5, [13, 10, 2], new Rng(1));
    expect(ens.size).toBe(5);
    const params = ens.members.map((m) => Array.from(m.params));
    expect(new Set(params.map((p) => p.join())).size).toBe(5);
    const losses = ens.train(x, y, new Rng(2), { epochs: 10 });
    expect(losses.length).toBe(5);
    const preds = ens.predict(x.subarray(0, 3 * 13));
    expect(preds.map((p) => p.length)).toEqual([6, 6, 6, 6, 6]);
    // same seeds, same ensemble
    const again = new MlpEnsemble(5, [13, 10, 2], new Rng(1));
    again.train(x, y, new Rng(2), { epochs: 10 });
    expect(again.predict(x.subarray(0, 3 * 13)).map((p) => Array.from(p))).toEqual(preds.map((p) => Array.from(p)));
    const before = Array.from(ens.members[0].params);
    ens.reset(new Rng(3));
    expect(Array.from(ens.members[0].params)).not.toEqual(before);
    expect(() => new MlpEnsemble(0, [13, 10, 2], new Rng(1))).toThrow(/MlpEnsemble: count/);
  });
});
