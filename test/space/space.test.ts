import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/rng.ts';
import { nasAxSpace, nasSpace, nasUniformSpace, toNetworkConfig, fillInactiveWidths } from '../../src/space/nas.ts';
import { SearchSpace, roundHalfEven } from '../../src/space/space.ts';

describe('SearchSpace', () => {
  it('orders hyperparameters as ConfigSpace does (depth, then name) for the NAS space', () => {
    expect(nasSpace().names).toEqual([
      'batch_norm', 'batch_size', 'global_avg_pooling', 'kernel_size', 'lr_init', 'n_conv_0', 'n_conv_l', 'n_fc_l',
      'n_conv_1', 'n_conv_2', 'n_fc_0', 'n_fc_1', 'n_fc_2',
    ]);
  });

  it('sample() draws active hyperparameters only, valid and reproducible from the seed', () => {
    const space = nasSpace();
    const a = new Rng(1), b = new Rng(1);
    for (let i = 0; i < 500; i++) {
      const c = space.sample(a);
      expect(c).toEqual(space.sample(b));
      expect(space.isValid(c)).toBe(true);
      expect('n_conv_2' in c).toBe(c.n_conv_l === 3);
      expect('n_conv_1' in c).toBe((c.n_conv_l as number) >= 2);
      expect('n_fc_1' in c).toBe((c.n_fc_l as number) >= 2);
      expect('n_fc_0' in c).toBe(true);
    }
  });

  it('integers are uniform on [lower - 0.49999, upper + 0.49999] (log scale for log ones), then rounded', () => {
    const space = nasSpace();
    const rng = new Rng(2);
    const N = 30000;
    const layers = [0, 0, 0];
    let small = 0, bs1 = 0;
    for (let i = 0; i < N; i++) {
      const c = space.sample(rng);
      layers[(c.n_conv_l as number) - 1]++;
      if ((c.n_conv_0 as number) <= 128) small++;
      if (c.batch_size === 1) bs1++;
    }
    for (const n of layers) expect(Math.abs(n / N - 1 / 3)).toBeLessThan(0.015);
    const pSmall = (Math.log(128.49999) - Math.log(15.50001)) / (Math.log(1024.49999) - Math.log(15.50001));
    expect(Math.abs(small / N - pSmall)).toBeLessThan(0.015);
    const pBs1 = (Math.log(1.5) - Math.log(0.50001)) / (Math.log(512.49999) - Math.log(0.50001));
    expect(Math.abs(bs1 / N - pBs1)).toBeLessThan(0.01);
  });

  it('encode() and decode() round-trip; inactive hyperparameters encode as NaN and are ignored when decoding', () => {
    const space = nasSpace();
    const rng = new Rng(3);
    for (let i = 0; i < 200; i++) {
      const c = space.sample(rng);
      const u = space.encode(c);
      expect(u.length).toBe(13);
      space.names.forEach((name, j) => expect(Number.isNaN(u[j])).toBe(!(name in c)));
      expect(space.decode(u)).toEqual(space.validate(c));
    }
    expect(() => space.decode(new Float64Array(3))).toThrow(/SearchSpace.decode: u has length 3, expected 13/);
  });

  it('validate() names the problem: missing, inactive, unknown and out-of-range values', () => {
    const space = nasSpace();
    const good = space.defaultConfig();
    expect(good).toMatchObject({ n_conv_l: 3, n_conv_0: 128, kernel_size: 5, lr_init: 1e-3, batch_size: 128, global_avg_pooling: true });
    expect(space.validate(good)).toEqual(good);
    const { n_conv_2: _drop, ...missing } = good;
    expect(() => space.validate(missing)).toThrow(/active hyperparameter 'n_conv_2' is missing/);
    expect(() => space.validate({ ...good, n_conv_l: 1 })).toThrow(/'n_conv_1' is inactive/);
    expect(() => space.validate({ ...good, colour: 'red' })).toThrow(/unknown hyperparameter 'colour'/);
    expect(() => space.validate({ ...good, batch_size: 0 })).toThrow(/'batch_size' must be in \[1, 512\], got 0/);
    expect(() => space.validate({ ...good, n_fc_0: 3.5 })).toThrow(/'n_fc_0' must be an integer/);
    expect(() => space.validate({ ...good, kernel_size: 4 })).toThrow(/'kernel_size' must be one of \[7,5,3\]/);
  });

  it('rejects malformed spaces', () => {
    expect(() => new SearchSpace([])).toThrow(/non-empty/);
    expect(() => new SearchSpace([{ type: 'float', name: 'x', lower: 1, upper: 0 }])).toThrow(/lower < upper/);
    expect(() => new SearchSpace([{ type: 'float', name: 'x', lower: 0, upper: 1, log: true }])).toThrow(/log scale needs lower > 0/);
    expect(() => new SearchSpace([{ type: 'int', name: 'a', lower: 0, upper: 1 }], { a: { parent: 'b', equals: 1 } })).toThrow(/unknown parent 'b'/);
    expect(() =>
      new SearchSpace(
        [{ type: 'int', name: 'a', lower: 0, upper: 1 }, { type: 'int', name: 'b', lower: 0, upper: 1 }],
        { a: { parent: 'b', equals: 1 }, b: { parent: 'a', equals: 1 } },
      ),
    ).toThrow(/cycle/);
  });

  it('supports ordinal, constant and and/or conditions, and round-trips through JSON', () => {
    const space = new SearchSpace(
      [
        { type: 'ordinal', name: 'size', sequence: ['s', 'm', 'l'] },
        { type: 'constant', name: 'c', value: 'fixed' },
        { type: 'categorical', name: 'opt', choices: ['sgd', 'adam'] },
        { type: 'float', name: 'momentum', lower: 0, upper: 0.99 },
        { type: 'float', name: 'x', lower: -1, upper: 1 },
      ],
      {
        momentum: { and: [{ parent: 'opt', equals: 'sgd' }, { parent: 'size', in: ['m', 'l'] }] },
        x: { or: [{ parent: 'opt', equals: 'adam' }, { parent: 'size', equals: 's' }] },
      },
    );
    const rng = new Rng(4);
    for (let i = 0; i < 200; i++) {
      const c = space.sample(rng);
      expect(c.c).toBe('fixed');
      expect('momentum' in c).toBe(c.opt === 'sgd' && c.size !== 's');
      expect('x' in c).toBe(c.opt === 'adam' || c.size === 's');
    }
    const back = SearchSpace.fromJSON(JSON.parse(JSON.stringify(space)));
    expect(back.names).toEqual(space.names);
    const r1 = new Rng(9), r2 = new Rng(9);
    expect(back.sample(r1)).toEqual(space.sample(r2));
  });

  it('roundHalfEven rounds as Python does', () => {
    expect([0.5, 1.5, 2.5, -0.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, 2, 3]);
  });
});

describe('the paper NAS space', () => {
  it('uniform and Ax forms map to the same networks', () => {
    const u = nasUniformSpace().defaultConfig();
    expect(toNetworkConfig(u).kernelSize).toBe(5);
    expect(toNetworkConfig({ ...u, kernel_size: 0 }).kernelSize).toBe(3);
    expect(toNetworkConfig({ ...u, kernel_size: 2, batch_norm: 1 })).toMatchObject({ kernelSize: 7, batchNorm: true });
    const ax = nasAxSpace();
    expect(ax.names.length).toBe(13);
    const c = ax.sample(new Rng(5));
    expect(Object.keys(c).length).toBe(13);
    const net = toNetworkConfig(c);
    expect(net.convWidths.length).toBe(c.n_conv_l);
    expect(net.fcWidths.length).toBe(c.n_fc_l);
  });

  it('fillInactiveWidths puts 16 in every missing width', () => {
    const { n_conv_1: _a, n_conv_2: _b, n_fc_1: _c, n_fc_2: _d, ...rest } = nasSpace().defaultConfig();
    const c = nasSpace().validate({ ...rest, n_conv_l: 1, n_fc_l: 1 });
    expect(fillInactiveWidths(c)).toMatchObject({ n_conv_0: 128, n_conv_1: 16, n_conv_2: 16, n_fc_0: 32, n_fc_1: 16, n_fc_2: 16 });
  });
});
