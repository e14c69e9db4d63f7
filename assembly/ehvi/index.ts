// Expected hypervolume improvement (EHVI) of Gaussian candidates over a front, minimisation,
// independent objectives: candidate i is Y = mean_i + std_i ∘ Z with Z standard normal, and
//   EHVI_i = E[ HV(front ∪ {Y}) − HV(front) ].
//
// Exact formula (the box decomposition of Emmerich et al. 2011 / Yang et al. 2019, in the form
// that factorises): the improvement of a point y is Σ_boxes Π_j (u_j − max(l_j, y_j))⁺ over the
// boxes of the region the front does not dominate (boxes.ts), and for independent coordinates
//   E[(u − max(l, Y))⁺] = ψ(u) − ψ(l),   ψ(c) = E[(c − Y)⁺] = (c − μ)⁺ + σ·tail(|c − μ|/σ),
// (ψ(−∞) = 0, tail from normal.ts). The difference of the linear parts is evaluated as the
// single subtraction max(0, u − max(l, μ)), so nothing cancels when μ is far from the box, and
// σ = 0 needs no special case: the tails vanish and the formula is the improvement of the mean
// point itself. One deterministic objective (MS-EHVI's known size objective) is just σ_j = 0.
//
// Cost per candidate: 2-D, O(s) for a staircase of s points (one tail per strip edge and
// height); 3-D, O(k) tails for the k front points inside the box plus O(k) boxes (≤ 2k + 1).
// The front is decomposed once per call.
import { buildBoxes3, coord, freeBoxes3, staircase2 } from './boxes';
import { gaussTail } from './normal';

export { gaussTail } from './normal';

/** σ·tail(|c − μ|/σ): the non-linear part of ψ(c); 0 when σ = 0. */
// @ts-ignore: decorator
@inline
function tailPart(c: f64, mu: f64, sigma: f64): f64 {
  return sigma > 0 ? sigma * gaussTail(Math.abs(c - mu) / sigma) : 0.0;
}

/**
 * Exact 2-objective EHVI of m candidates into out (f64[m]). front: f64[n·2]; ref: f64[2];
 * mean, std: f64[m·2] (std ≥ 0; 0 = deterministic). Front points not strictly inside the
 * reference box are ignored; dominated ones and duplicates are allowed.
 */
export function ehvi2(front: usize, n: i32, ref: usize, mean: usize, std: usize, m: i32, out: usize): void {
  const rx = load<f64>(ref), ry = load<f64>(ref, 8);
  const cap: i32 = n > 0 ? n : 1;
  const xs = heap.alloc(<usize>cap << 3);
  const ys = heap.alloc(<usize>cap << 3);
  const s = staircase2(front, n, rx, ry, xs, ys);
  for (let i = 0; i < m; i++) {
    const mx = load<f64>(mean + (<usize>(2 * i) << 3)), my = load<f64>(mean + (<usize>(2 * i + 1) << 3));
    const sx = load<f64>(std + (<usize>(2 * i) << 3)), sy = load<f64>(std + (<usize>(2 * i + 1) << 3));
    // strips i = 0..s: x in [xs[i−1], xs[i]) (−∞ and rx at the ends), y below ys[i−1] (ry for i = 0)
    let sum = 0.0;
    let xl = -Infinity, tl = 0.0;
    for (let j = 0; j <= s; j++) {
      const yu = j == 0 ? ry : load<f64>(ys + (<usize>(j - 1) << 3));
      // heights decrease with j: once the Gaussian in y has no mass below yu, nothing follows
      if (yu <= my && (sy == 0 || my - yu > 38.6 * sy)) break;
      const xu = j < s ? load<f64>(xs + (<usize>j << 3)) : rx;
      const tu = tailPart(xu, mx, sx);
      let dx = Math.max(0.0, xu - Math.max(xl, mx)) + (tu - tl);
      if (dx < 0) dx = 0; // rounding only: the exact value is >= 0
      const dy = Math.max(0.0, yu - my) + tailPart(yu, my, sy);
      sum += dx * dy;
      xl = xu;
      tl = tu;
    }
    store<f64>(out + (<usize>i << 3), sum);
  }
  heap.free(xs);
  heap.free(ys);
}

/**
 * Exact 3-objective EHVI of m candidates into out (f64[m]). front: f64[n·3]; ref: f64[3];
 * mean, std: f64[m·3]. Same conventions as ehvi2.
 */
export function ehvi3(front: usize, n: i32, ref: usize, mean: usize, std: usize, m: i32, out: usize): void {
  const b = buildBoxes3(front, n, load<f64>(ref), load<f64>(ref, 8), load<f64>(ref, 16));
  const k = b.k;
  const count = b.count;
  // per candidate: the tail part at every table coordinate (k points + the reference)
  const tx = heap.alloc(<usize>(k + 1) << 3);
  const ty = heap.alloc(<usize>(k + 1) << 3);
  const tz = heap.alloc(<usize>(k + 1) << 3);
  for (let i = 0; i < m; i++) {
    const mx = load<f64>(mean + (<usize>(3 * i) << 3)), my = load<f64>(mean + (<usize>(3 * i + 1) << 3)), mz = load<f64>(mean + (<usize>(3 * i + 2) << 3));
    const sx = load<f64>(std + (<usize>(3 * i) << 3)), sy = load<f64>(std + (<usize>(3 * i + 1) << 3)), sz = load<f64>(std + (<usize>(3 * i + 2) << 3));
    for (let j = 0; j <= k; j++) {
      store<f64>(tx + (<usize>j << 3), tailPart(load<f64>(b.X + (<usize>j << 3)), mx, sx));
      store<f64>(ty + (<usize>j << 3), tailPart(load<f64>(b.Y + (<usize>j << 3)), my, sy));
      store<f64>(tz + (<usize>j << 3), tailPart(load<f64>(b.Z + (<usize>j << 3)), mz, sz));
    }
    let sum = 0.0;
    for (let c = 0; c < count; c++) {
      const iy = load<i32>(b.iy + (<usize>c << 2));
      const yu = load<f64>(b.Y + (<usize>iy << 3));
      const dy = Math.max(0.0, yu - my) + load<f64>(ty + (<usize>iy << 3));
      if (dy == 0) continue;
      const ixl = load<i32>(b.ixl + (<usize>c << 2)), ixu = load<i32>(b.ixu + (<usize>c << 2));
      let dx = Math.max(0.0, load<f64>(b.X + (<usize>ixu << 3)) - Math.max(coord(b.X, ixl), mx)) + load<f64>(tx + (<usize>ixu << 3)) - (ixl < 0 ? 0.0 : load<f64>(tx + (<usize>ixl << 3)));
      if (dx <= 0) continue;
      const izl = load<i32>(b.izl + (<usize>c << 2)), izu = load<i32>(b.izu + (<usize>c << 2));
      let dz = Math.max(0.0, load<f64>(b.Z + (<usize>izu << 3)) - Math.max(coord(b.Z, izl), mz)) + load<f64>(tz + (<usize>izu << 3)) - (izl < 0 ? 0.0 : load<f64>(tz + (<usize>izl << 3)));
      if (dz <= 0) continue;
      sum += dx * dy * dz;
    }
    store<f64>(out + (<usize>i << 3), sum);
  }
  heap.free(tx);
  heap.free(ty);
  heap.free(tz);
  freeBoxes3(b);
}

/**
 * Sample-average hypervolume improvement, for quasi-Monte Carlo EHVI. For candidate i and
 * sample row j of z (f64[s·d], standard normal deviates shared by all candidates), the point
 * y = mean_i + std_i ∘ z_j is scored by its exact improvement; the s samples are split into
 * `groups` consecutive groups of s / groups rows (s divisible by groups) and
 * out[i·groups + g] receives the mean improvement over group g (one scrambled replicate each,
 * for a standard error). d = 2 or 3; front: f64[n·d]; ref: f64[d]; mean, std: f64[m·d].
 */
export function hviSamples(
  front: usize, n: i32, d: i32, ref: usize, mean: usize, std: usize, m: i32, z: usize, s: i32, groups: i32, out: usize,
): void {
  const per = s / groups;
  if (d == 2) {
    const rx = load<f64>(ref), ry = load<f64>(ref, 8);
    const cap: i32 = n > 0 ? n : 1;
    const xs = heap.alloc(<usize>cap << 3);
    const ys = heap.alloc(<usize>cap << 3);
    const ns = staircase2(front, n, rx, ry, xs, ys);
    for (let i = 0; i < m; i++) {
      const mx = load<f64>(mean + (<usize>(2 * i) << 3)), my = load<f64>(mean + (<usize>(2 * i + 1) << 3));
      const sx = load<f64>(std + (<usize>(2 * i) << 3)), sy = load<f64>(std + (<usize>(2 * i + 1) << 3));
      for (let g = 0; g < groups; g++) {
        let acc = 0.0;
        for (let r = g * per; r < (g + 1) * per; r++) {
          const y0 = mx + sx * load<f64>(z + (<usize>(2 * r) << 3)), y1 = my + sy * load<f64>(z + (<usize>(2 * r + 1) << 3));
          let xl = -Infinity;
          for (let j = 0; j <= ns; j++) {
            const yu = j == 0 ? ry : load<f64>(ys + (<usize>(j - 1) << 3));
            if (yu <= y1) break;
            const xu = j < ns ? load<f64>(xs + (<usize>j << 3)) : rx;
            const w = xu - Math.max(xl, y0);
            if (w > 0) acc += w * (yu - y1);
            xl = xu;
          }
        }
        store<f64>(out + (<usize>(i * groups + g) << 3), acc / <f64>per);
      }
    }
    heap.free(xs);
    heap.free(ys);
    return;
  }
  const b = buildBoxes3(front, n, load<f64>(ref), load<f64>(ref, 8), load<f64>(ref, 16));
  for (let i = 0; i < m; i++) {
    const mx = load<f64>(mean + (<usize>(3 * i) << 3)), my = load<f64>(mean + (<usize>(3 * i + 1) << 3)), mz = load<f64>(mean + (<usize>(3 * i + 2) << 3));
    const sx = load<f64>(std + (<usize>(3 * i) << 3)), sy = load<f64>(std + (<usize>(3 * i + 1) << 3)), sz = load<f64>(std + (<usize>(3 * i + 2) << 3));
    for (let g = 0; g < groups; g++) {
      let acc = 0.0;
      for (let r = g * per; r < (g + 1) * per; r++) {
        const y0 = mx + sx * load<f64>(z + (<usize>(3 * r) << 3)), y1 = my + sy * load<f64>(z + (<usize>(3 * r + 1) << 3)), y2 = mz + sz * load<f64>(z + (<usize>(3 * r + 2) << 3));
        for (let c = 0; c < b.count; c++) {
          const hy = load<f64>(b.Y + (<usize>load<i32>(b.iy + (<usize>c << 2)) << 3)) - y1;
          if (hy <= 0) continue;
          const wx = load<f64>(b.X + (<usize>load<i32>(b.ixu + (<usize>c << 2)) << 3)) - Math.max(coord(b.X, load<i32>(b.ixl + (<usize>c << 2))), y0);
          if (wx <= 0) continue;
          const wz = load<f64>(b.Z + (<usize>load<i32>(b.izu + (<usize>c << 2)) << 3)) - Math.max(coord(b.Z, load<i32>(b.izl + (<usize>c << 2))), y2);
          if (wz <= 0) continue;
          acc += wx * hy * wz;
        }
      }
      store<f64>(out + (<usize>(i * groups + g) << 3), acc / <f64>per);
    }
  }
  freeBoxes3(b);
}
