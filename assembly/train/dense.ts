// Linear layers (W [out, in] as PyTorch stores it, x [batch, in], y [batch, out]) on the packed
// GEMM of ./gemm, the f32 twins of src/train/reference/dense.ts. Each product picks the operand
// storage that packs cheapest: W as the transposed B of the forward pass (4x4 transposes), W as
// the row-major B of dx (straight v128 copies), dy as the transposed A of dW (one v128 per k).
import { INIT_ZERO, INIT_COL_BIAS, gemm, gemmWorkspaceBytes } from './gemm';

/** Bytes of `ws` that denseForward and denseBackward need. */
export function denseWorkspaceBytes(batch: i32, inF: i32, outF: i32): usize {
  const fwd = gemmWorkspaceBytes(batch, outF, inF);
  const dx = gemmWorkspaceBytes(batch, inF, outF);
  const dw = gemmWorkspaceBytes(outF, inF, batch);
  return max(fwd, max(dx, dw));
}

/** y [batch, outF] = x·Wᵀ + b (b = 0: no bias), then max(·, 0) where relu != 0; overwritten. */
export function denseForward(x: usize, wt: usize, b: usize, y: usize, batch: i32, inF: i32, outF: i32, relu: i32, ws: usize): void {
  gemm(batch, outF, inF, x, inF, false, wt, inF, true, y, outF, b != 0 ? INIT_COL_BIAS : INIT_ZERO, b, relu, ws);
}

/** db[o] = Σ_b dy[b, o]: four columns per v128, rows in order. */
function columnSums(dy: usize, db: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  let o = 0;
  for (; o + 8 <= cols; o += 8) {
    let s0 = f32x4.splat(0), s1 = s0;
    let p = dy + (<usize>o << 2);
    for (let r = 0; r < rows; r++) {
      s0 = f32x4.add(s0, v128.load(p));
      s1 = f32x4.add(s1, v128.load(p, 16));
      p += rowBytes;
    }
    v128.store(db + (<usize>o << 2), s0);
    v128.store(db + (<usize>o << 2), s1, 16);
  }
  for (; o < cols; o++) {
    let s: f32 = 0;
    let p = dy + (<usize>o << 2);
    for (let r = 0; r < rows; r++) {
      s += load<f32>(p);
      p += rowBytes;
    }
    store<f32>(db + (<usize>o << 2), s);
  }
}

/**
 * dx [batch, inF] = dy·W (skipped when dx == 0), dw [outF, inF] = dyᵀ·x, db [outF] = Σ_rows dy;
 * all overwritten.
 */
export function denseBackward(x: usize, wt: usize, dy: usize, dx: usize, dw: usize, db: usize, batch: i32, inF: i32, outF: i32, ws: usize): void {
  if (dx != 0) gemm(batch, inF, outF, dy, outF, false, wt, inF, false, dx, inF, INIT_ZERO, 0, 0, ws);
  gemm(outF, inF, batch, dy, outF, true, x, inF, false, dw, inF, INIT_ZERO, 0, 0, ws);
  columnSums(dy, db, batch, outF);
}
