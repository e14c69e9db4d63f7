// src/math/normal.ts against high-precision values, and gaussTail against the WebAssembly kernel
// it twins (assembly/ehvi/normal.ts). Reference values from mpmath (40 digits; 400 for the
// quantiles, whose arguments are the doubles written), e.g. for erfc:
//   import mpmath as m; m.mp.dps = 40; [float(m.erfc(m.mpf(x))) for x in xs]
// Tolerances in ulps of the reference where the function is that accurate. Evaluating
// e^{−x²} costs about x² ulps more (the rounding of x², magnified by the exponential), which the
// tail tolerances include.
import { describe, expect, it } from 'vitest';
import { erfc, gaussTail, normalCdf, normalMass, normalPdf, normalQuantile } from '../../src/math/normal.ts';
import { gaussTail as gaussTailKernel } from '../../src/surrogates/ehvi.ts';
import { expectClose, expectUlps, ulp } from '../helpers/tolerance.ts';

describe('erfc', () => {
  // prettier-ignore
  const REF: [number, number][] = [
    [-5, 1.9999999999984626], [-3, 1.9999779095030015], [-1.5, 1.9661051464753108], [-0.3, 1.3286267594591274],
    [0, 1], [1e-8, 0.9999999887162083], [0.1, 0.887537083981715], [0.25, 0.7236736098317631],
    [0.5, 0.4795001221869535], [0.75, 0.28884436634648486], [1, 0.15729920705028513], [1.5, 0.033894853524689274],
    [2, 0.004677734981047266], [2.25, 0.0014627165866811518], [2.49, 0.0004292878677339129], [2.5, 0.0004069520174449589],
    [3, 2.209049699858544e-5], [4, 1.541725790028002e-8], [5, 1.537459794428035e-12], [7, 4.183825607779414e-23],
    [10, 2.088487583762545e-45], [15, 7.212994172451207e-100], [20, 5.395865611607901e-176], [26, 5.663192408856143e-296],
  ];

  it('erfc(x) is within a few ulps for x < 0.5, 2e-12 relative on [0.5, 2.5), a few + x² ulps from 2.5 on', () => {
    for (const [x, v] of REF) {
      if (x < 0.5) expectUlps(erfc(x), v, 6, `erfc(${x})`);
      else if (x < 2.5) expectClose(erfc(x), v, 2e-12, 0, `erfc(${x})`);
      else expectUlps(erfc(x), v, 6 + x * x, `erfc(${x})`);
    }
  });

  it('erfc(±∞) = 0, 2; erfc(NaN) is NaN; 0 once the value underflows', () => {
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erfc(NaN)).toBeNaN();
    expect(erfc(28)).toBe(0);
  });
});

describe('normalPdf', () => {
  const REF: [number, number][] = [
    [0, 0.3989422804014327], [0.5, 0.35206532676429947], [1, 0.24197072451914334], [-1, 0.24197072451914334],
    [2, 0.05399096651318805], [3, 0.0044318484119380075], [-5, 1.4867195147342977e-6], [8, 5.052271083536892e-15],
    [12, 2.1463837356630605e-32], [20, 5.520948362159764e-88], [30, 1.4736461348785476e-196],
  ];

  it('normalPdf(z) is within 2 + z²/2 ulps; 0 at ±∞', () => {
    for (const [z, v] of REF) expectUlps(normalPdf(z), v, 2 + (z * z) / 2, `φ(${z})`);
    expect(normalPdf(Infinity)).toBe(0);
    expect(normalPdf(-Infinity)).toBe(0);
  });
});

describe('normalCdf', () => {
  // prettier-ignore
  const REF: [number, number][] = [
    [-37, 5.725571222524577e-300], [-30, 4.906713927148187e-198], [-20, 2.7536241186062337e-89], [-10, 7.619853024160525e-24],
    [-8, 6.220960574271784e-16], [-6, 9.86587645037698e-10], [-5, 2.866515718791939e-7], [-4, 3.1671241833119924e-5],
    [-3.37, 0.0003758409184000832], [-3, 0.0013498980316300946], [-2, 0.02275013194817921], [-1, 0.15865525393145705],
    [-0.5, 0.3085375387259869], [0, 0.5], [0.5, 0.6914624612740131], [1, 0.8413447460685429], [2, 0.9772498680518208],
    [3, 0.9986501019683699], [5, 0.9999997133484281], [8, 0.9999999999999993],
  ];

  it('normalCdf(z) is within 1.2e-12 relative everywhere, a few + z² ulps in the far lower tail', () => {
    for (const [z, v] of REF) {
      expectClose(normalCdf(z), v, 1.2e-12, 0, `Φ(${z})`);
      if (z <= -3.6) expectUlps(normalCdf(z), v, 6 + z * z, `Φ(${z})`); // erfc's x² ulps at x = −z/√2, which rounds
    }
  });

  it('normalCdf(z) + normalCdf(−z) = 1 to an ulp; Φ(0) = 1/2; Φ(±∞) = 1, 0', () => {
    for (const z of [0.1, 0.7, 1.3, 2.2, 3.1, 6]) expectClose(normalCdf(z) + normalCdf(-z), 1, 0, 2.3e-16, `z = ${z}`);
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(-Infinity)).toBe(0);
  });
});

describe('normalMass', () => {
  const REF: [number, number, number][] = [
    [-1, 1, 0.6826894921370859], [-2, 0.5, 0.6687123293258339], [0, 1, 0.3413447460685429], [1, 2, 0.13590512198327784],
    [-3, -2, 0.021400233916549112], [8, 9, 6.21983198586583e-16], [-9, -8, 6.21983198586583e-16],
    [20, 21, 2.7536241153269555e-89], [-0.001, 0.001, 0.0007978844278221252],
  ];

  it('normalMass(a, b) = Φ(b) − Φ(a) to 1e-13 relative, deep in either tail as well', () => {
    for (const [a, b, v] of REF) expectClose(normalMass(a, b), v, 1e-13, 0, `mass(${a}, ${b})`);
  });

  it('normalMass(a, b) is 0 unless a < b; the whole line has mass 1', () => {
    expect(normalMass(1, 1)).toBe(0);
    expect(normalMass(2, 1)).toBe(0);
    expect(normalMass(-Infinity, 0)).toBe(0.5);
    expect(normalMass(-Infinity, Infinity)).toBe(1);
  });
});

describe('normalQuantile', () => {
  // prettier-ignore
  const REF: [number, number][] = [
    [1e-300, -37.0470962993612], [1e-100, -21.273453560965326], [1e-20, -9.262340089798407], [1e-10, -6.361340902404057],
    [1e-6, -4.753424308822899], [0.001, -3.0902323061678136], [0.01, -2.326347874040841], [0.025, -1.9599639845400543],
    [0.1, -1.2815515655446004], [0.25, -0.6744897501960817], [0.4, -0.2533471031357997], [0.49, -0.025068908258711057],
    [0.5, 0], [0.6, 0.2533471031357997], [0.9, 1.2815515655446006], [0.975, 1.9599639845400538], [0.999, 3.090232306167813],
  ];

  it('normalQuantile(p) is within 2.5e-14 relative (1e-16 absolute at the median)', () => {
    for (const [p, v] of REF) expectClose(normalQuantile(p), v, 2.5e-14, 1e-16, `Φ⁻¹(${p})`);
  });

  it('normalQuantile inverts normalCdf; ±∞ at 0 and 1; a RangeError outside [0, 1]', () => {
    for (const p of [1e-12, 1e-6, 0.001, 0.1, 0.3, 0.7, 0.99, 1 - 1e-9]) expectClose(normalCdf(normalQuantile(p)), p, 1e-13, 0, `p = ${p}`);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(() => normalQuantile(1.5)).toThrow(/normalQuantile: p must be in \[0, 1\], got 1.5/);
    expect(() => normalQuantile(NaN)).toThrow(RangeError);
  });
});

describe('gaussTail (TypeScript) and the WebAssembly kernel it twins', () => {
  // φ(t) − t Φ(−t), mpmath at 40 digits
  // prettier-ignore
  const REF: [number, number][] = [
    [0, 0.3989422804014327], [0.5, 0.19779655740130603], [1, 0.0833154705876863], [1.5, 0.02930679376260463],
    [2, 0.008490702616829637], [2.5, 0.0020041371791281993], [3, 0.0003821543170477236], [3.5, 0.00005848091842142244],
    [4, 0.000007145258432405667], [5, 5.346165533832815e-8], [6, 1.5635697959709664e-10], [8, 7.550262411946499e-17],
    [10, 7.474560254589328e-25], [15, 2.4260250875289832e-52], [20, 1.3700124947295798e-90], [30, 1.631956734091401e-199],
    [0.1, 0.35093533120471465], [0.35, 0.24813107482840457], [0.6, 0.1686727322417555], [0.85, 0.10997172447670793],
    [1.1, 0.06861950999152958], [1.35, 0.04089753890142683], [1.6, 0.023241967960162764], [1.85, 0.012574840964332624],
    [2.1, 0.006468312798512423], [2.35, 0.0031594619083237328], [2.6, 0.0014638803720168662], [2.85, 0.000642776544111236],
    [3.1, 0.00026724909522301405], [3.35, 0.00010513716842227495], [3.6, 3.911100554665017e-05], [3.85, 1.374976741314163e-05],
    [4.1, 4.565878835691243e-06], [4.35, 1.4314938507470736e-06], [4.6, 4.235604339736335e-07], [4.85, 1.1823482490433754e-07],
    [5.1, 3.112713859305776e-08], [5.35, 7.726283828737823e-09], [5.6, 1.8076995551173596e-09], [5.85, 3.9856897490306357e-10],
    [5.382, 6.436618157560965e-09], [6.5, 5.915623525442534e-12], [7.5, 4.115177834583766e-15], [9, 1.2247791808434897e-20],
    [12, 1.4605201169845548e-34], [17, 2.398859075044051e-66], [25, 1.2187970462990368e-139], [35, 3.208804482602477e-270],
  ];

  it('gaussTail(t) matches high-precision values to 4 ulps (relative), deep into the tail', () => {
    for (const [t, v] of REF) expectUlps(gaussTail(t), v, 4 * Math.max(1, (t * t) / 2), `tail(${t})`);
  });

  it('the kernel matches the same values to a few ulps (relative)', () => {
    for (const [t, v] of REF) expectClose(gaussTailKernel(t), v, 4e-16 * Math.max(1, (t * t) / 2), 0, `kernel tail(${t})`);
  });

  it('gaussTail(t) and the kernel agree to 6 ulps on a 0.001 grid of [0, 38.6]', () => {
    let worst = 0, at = 0;
    for (let i = 0; i <= 38600; i++) {
      const t = i / 1000;
      const a = gaussTail(t), b = gaussTailKernel(t);
      const ulps = a === b ? 0 : Math.abs(a - b) / ulp(b);
      if (!(ulps <= worst)) {
        worst = ulps;
        at = t;
      }
    }
    expect(worst, `worst at t = ${at}`).toBeLessThanOrEqual(6);
  });

  it('both are E[(−t − Z)⁺]: continuous across the kernel pieces, decreasing, 0 far out', () => {
    for (const tail of [gaussTail, gaussTailKernel]) {
      // tail'(t) = −Φ(−t): across 2e-12 the value moves by 2e-12·Φ(−b)
      for (let b = 0.5; b <= 6; b += 0.5) expectClose(tail(b - 1e-12) - tail(b + 1e-12), 2e-12 * normalCdf(-b), 1e-3, 0, `at ${b}`);
      let prev = Infinity;
      for (let t = 0; t < 40; t += 0.01) {
        const v = tail(t);
        expect(v).toBeLessThanOrEqual(prev);
        prev = v;
      }
      expect(tail(39)).toBe(0);
      expect(tail(Infinity)).toBe(0);
      // against the textbook formula where it does not cancel
      for (const t of [0.1, 0.7, 1.3]) expectClose(tail(t), normalPdf(t) - t * normalCdf(-t), 1e-14, 0);
    }
  });

  it('gaussTail(−t) = t + gaussTail(t); NaN stays NaN; the kernel refuses t < 0', () => {
    for (const t of [0.3, 1, 3]) expectClose(gaussTail(-t), t + gaussTail(t), 2.3e-16, 0, `t = ${t}`);
    expectUlps(gaussTail(-1), 1.0833154705876864, 1);
    expect(gaussTail(NaN)).toBeNaN();
    expect(() => gaussTailKernel(-1)).toThrow(/gaussTail: t must be >= 0, got -1/);
  });
});
