// MaxPool2d(kernel 2, stride 2, floor mode) on NCHW f32 (twin: src/train/reference/maxpool2x2.ts,
// GPU: shaders/maxpool2x2.wgsl). The argmax of each window (0..3, row-major) is kept as a byte.
// Window scan: candidates in order 0..3 replace the best only when strictly greater, so the first
// maximum wins and a NaN in position 0 stays (PyTorch's and the twin's `>` scan); the SIMD path
// does the same scan four windows at a time.

/** y [nc, h/2, w/2] and argmax (u8, same count) from x [nc, h, w]. */
export function maxpool2x2Forward(x: usize, y: usize, argmax: usize, nc: i32, h: i32, w: i32): void {
  const ho = h >> 1, wo = w >> 1;
  const k1 = i32x4.splat(1), k2 = i32x4.splat(2), k3 = i32x4.splat(3);
  for (let p = 0; p < nc; p++) {
    for (let oh = 0; oh < ho; oh++) {
      const r0 = x + (<usize>((p * h + 2 * oh) * w) << 2), r1 = r0 + (<usize>w << 2);
      const o = (p * ho + oh) * wo;
      const yo = y + (<usize>o << 2), ao = argmax + <usize>o;
      let ow = 0;
      for (; ow + 4 <= wo; ow += 4) {
        const q = <usize>ow << 3;
        const a0 = v128.load(r0 + q), a1 = v128.load(r0 + q, 16);
        const b0 = v128.load(r1 + q), b1 = v128.load(r1 + q, 16);
        let best = f32x4.shuffle(a0, a1, 0, 2, 4, 6);
        let arg = i32x4.splat(0);
        let v = f32x4.shuffle(a0, a1, 1, 3, 5, 7);
        let gt = f32x4.gt(v, best);
        best = v128.bitselect(v, best, gt);
        arg = v128.bitselect(k1, arg, gt);
        v = f32x4.shuffle(b0, b1, 0, 2, 4, 6);
        gt = f32x4.gt(v, best);
        best = v128.bitselect(v, best, gt);
        arg = v128.bitselect(k2, arg, gt);
        v = f32x4.shuffle(b0, b1, 1, 3, 5, 7);
        gt = f32x4.gt(v, best);
        best = v128.bitselect(v, best, gt);
        arg = v128.bitselect(k3, arg, gt);
        v128.store(yo + (<usize>ow << 2), best);
        const a16 = i16x8.narrow_i32x4_u(arg, arg);
        v128.store32_lane(ao + <usize>ow, i8x16.narrow_i16x8_u(a16, a16), 0);
      }
      for (; ow < wo; ow++) {
        const q = <usize>ow << 3;
        let best = load<f32>(r0 + q), arg: u8 = 0;
        let v = load<f32>(r0 + q, 4);
        if (v > best) { best = v; arg = 1; }
        v = load<f32>(r1 + q);
        if (v > best) { best = v; arg = 2; }
        v = load<f32>(r1 + q, 4);
        if (v > best) { best = v; arg = 3; }
        store<f32>(yo + (<usize>ow << 2), best);
        store<u8>(ao + <usize>ow, arg);
      }
    }
  }
}

/**
 * dx [nc, h, w], overwritten: dy routed to each window's argmax, zero at the other three
 * positions and in the last row/column that floor mode drops when h or w is odd.
 */
export function maxpool2x2Backward(dy: usize, argmax: usize, dx: usize, nc: i32, h: i32, w: i32): void {
  const ho = h >> 1, wo = w >> 1;
  const rowBytes = <usize>w << 2;
  const z = i32x4.splat(0), k1 = i32x4.splat(1), k2 = i32x4.splat(2), k3 = i32x4.splat(3);
  for (let p = 0; p < nc; p++) {
    const plane = dx + (<usize>(p * h * w) << 2);
    for (let oh = 0; oh < ho; oh++) {
      const r0 = plane + <usize>(2 * oh) * rowBytes, r1 = r0 + rowBytes;
      const o = (p * ho + oh) * wo;
      const go = dy + (<usize>o << 2), ao = argmax + <usize>o;
      let ow = 0;
      for (; ow + 4 <= wo; ow += 4) {
        const g = v128.load(go + (<usize>ow << 2));
        const a = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(ao + <usize>ow)));
        const g0 = v128.and(g, i32x4.eq(a, z)), g1 = v128.and(g, i32x4.eq(a, k1));
        const g2 = v128.and(g, i32x4.eq(a, k2)), g3 = v128.and(g, i32x4.eq(a, k3));
        const q = <usize>ow << 3;
        v128.store(r0 + q, f32x4.shuffle(g0, g1, 0, 4, 1, 5));
        v128.store(r0 + q, f32x4.shuffle(g0, g1, 2, 6, 3, 7), 16);
        v128.store(r1 + q, f32x4.shuffle(g2, g3, 0, 4, 1, 5));
        v128.store(r1 + q, f32x4.shuffle(g2, g3, 2, 6, 3, 7), 16);
      }
      for (; ow < wo; ow++) {
        const g = load<f32>(go + (<usize>ow << 2));
        const a = load<u8>(ao + <usize>ow);
        const q = <usize>ow << 3;
        store<f32>(r0 + q, a == 0 ? g : 0);
        store<f32>(r0 + q, a == 1 ? g : 0, 4);
        store<f32>(r1 + q, a == 2 ? g : 0);
        store<f32>(r1 + q, a == 3 ? g : 0, 4);
      }
      if (w & 1) {
        store<f32>(r0 + rowBytes - 4, 0);
        store<f32>(r1 + rowBytes - 4, 0);
      }
    }
    if (h & 1) memory.fill(plane + <usize>(h - 1) * rowBytes, 0, rowBytes);
  }
}
