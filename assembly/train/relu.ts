// ReLU forward and backward (twin: src/train/reference/relu.ts, GPU: shaders/relu.wgsl).
// pmax(0, x) is `0 < x ? x : 0`, the twin's rule exactly: NaN and −0 give +0 (f32x4.max would
// keep the NaN).

/** y = max(x, 0) over len f32 values; x == y (in place) is allowed. */
export function reluForward(x: usize, y: usize, len: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= len; i += 8) {
    const o = <usize>i << 2;
    const a = v128.load(x + o), b = v128.load(x + o, 16);
    v128.store(y + o, f32x4.pmax(zero, a));
    v128.store(y + o, f32x4.pmax(zero, b), 16);
  }
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.pmax(zero, v128.load(x + o)));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    store<f32>(y + o, v > 0 ? v : 0);
  }
}

/** dy = y > 0 ? dy : 0 in place (y is the forward's output, whose mask equals x > 0). */
export function reluBackward(y: usize, dy: usize, len: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= len; i += 8) {
    const o = <usize>i << 2;
    const ma = f32x4.gt(v128.load(y + o), zero), mb = f32x4.gt(v128.load(y + o, 16), zero);
    v128.store(dy + o, v128.and(v128.load(dy + o), ma));
    v128.store(dy + o, v128.and(v128.load(dy + o, 16), mb), 16);
  }
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    v128.store(dy + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(y + o), zero)));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    if (!(load<f32>(y + o) > 0)) store<f32>(dy + o, 0);
  }
}
