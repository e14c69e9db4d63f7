import { describe, expect, it } from 'vitest';
import { approximateParameterCount, initParameters, networkSpec, ALIGN } from '../../src/train/network.ts';
import type { NetworkConfig } from '../../src/space/nas.ts';

const FLOWERS: [number, number, number] = [3, 16, 16];
const FASHION: [number, number, number] = [1, 28, 28];

// The test vectors of docs/methods.md#cnn-approx-count (approximate count vs the true counts of both problems).
const VECTORS: [NetworkConfig, number, number, number][] = [
  [{ convWidths: [128, 128, 128], fcWidths: [32, 32, 32], kernelSize: 5, batchNorm: false, globalAvgPooling: true, lr: 1e-3, batchSize: 128 }, 835754, 835985, 829354],
  [{ convWidths: [32, 64], fcWidths: [100], kernelSize: 3, batchNorm: true, globalAvgPooling: false, lr: 1e-3, batchSize: 128 }, 123094, 123801, 333718],
  [{ convWidths: [16], fcWidths: [8, 4], kernelSize: 7, batchNorm: false, globalAvgPooling: false, lr: 1e-3, batchSize: 128 }, 10654, 10689, 25982],
];

describe('network spec', () => {
  it.each(VECTORS)('counts parameters exactly as docs/methods.md#cnn-param-count and approximately as docs/methods.md#cnn-approx-count (%#)', (net, approx, flowers, fashion) => {
    expect(approximateParameterCount(net)).toBe(approx);
    expect(networkSpec(net, FLOWERS, 17).numParams).toBe(flowers);
    expect(networkSpec(net, FASHION, 10).numParams).toBe(fashion);
  });

  it('follows docs/methods.md#cnn-architecture: spatial sizes after each pool and the flatten size', () => {
    const net = VECTORS[1][0];
    const s = networkSpec(net, FASHION, 10);
    expect(s.convs.map((l) => [l.cin, l.cout, l.h])).toEqual([[1, 32, 28], [32, 64, 14]]);
    expect(s.features).toEqual([64, 7, 7]);
    expect(s.flatten).toBe(64 * 49);
    expect(s.dense.map((d) => [d.in, d.out, d.relu])).toEqual([[3136, 100, true], [100, 10, false]]);
    expect(networkSpec({ ...net, convWidths: [8, 8, 8] }, FASHION, 10).features).toEqual([8, 3, 3]);
    expect(() => networkSpec({ ...net, convWidths: [] }, FLOWERS, 17)).toThrow(/networkSpec: at least one conv layer/);
  });

  it('initialises as PyTorch: U(+-1/sqrt(fan_in)) weights and biases, BN gamma 1 beta 0, seeded', () => {
    const s = networkSpec(VECTORS[1][0], FLOWERS, 17);
    const a = initParameters(s, 1), b = initParameters(s, 1), c = initParameters(s, 2);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const p of s.params) {
      expect(p.offset % ALIGN).toBe(0);
      const v = a.subarray(p.offset, p.offset + p.size);
      if (p.init === 'ones') expect(v.every((x) => x === 1)).toBe(true);
      else if (p.init === 'zeros') expect(v.every((x) => x === 0)).toBe(true);
      else {
        const bound = 1 / Math.sqrt(p.fanIn);
        expect(v.every((x) => Math.abs(x) <= bound)).toBe(true);
        if (p.size > 500) {
          const mean = v.reduce((t, x) => t + x, 0) / v.length;
          const varc = v.reduce((t, x) => t + (x - mean) ** 2, 0) / v.length;
          expect(Math.abs(varc - (bound * bound) / 3)).toBeLessThan(0.1 * (bound * bound) / 3);
        }
      }
    }
  });
});
