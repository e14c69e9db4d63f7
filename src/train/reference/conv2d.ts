// The slow, obviously correct twin of src/train/kernels/conv2d.ts: plain loops in double
// precision over NCHW tensors, weights [Cout, Cin, K, K], stride 1, zero padding (K−1)/2.
// The backward functions are the adjoints of the forward loop, written by scattering each
// of its multiply-adds, so that all three share one indexing.
import type { Conv2dShape } from '../kernels/conv2d.ts';

type Tensor = ArrayLike<number>;

function sizes(fn: string, shape: Conv2dShape) {
  const { batch: n, inChannels: cin, outChannels: cout, height: h, width: w, kernelSize: k } = shape;
  for (const [key, v] of Object.entries(shape)) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${fn}: shape.${key} must be a positive integer, got ${v}`);
  }
  if (k % 2 === 0) throw new RangeError(`${fn}: shape.kernelSize must be odd, got ${k}`);
  return { n, cin, cout, h, w, k, pad: (k - 1) / 2 };
}

function checkLength(fn: string, name: string, a: Tensor, length: number): void {
  if (a.length !== length) throw new RangeError(`${fn}: ${name} has ${a.length} elements, the shape needs ${length}`);
}

/**
 * Visit every multiply-add of the convolution: f(xIndex, wIndex, yIndex) for each output
 * y[n,co,h,w] and tap (ci,kh,kw) whose input x[n,ci,h+kh−p,w+kw−p] lies inside the image.
 */
function forEachTap(shape: Conv2dShape, f: (xi: number, wi: number, yi: number) => void): void {
  const { n, cin, cout, h, w, k, pad } = sizes('conv2d', shape);
  for (let b = 0; b < n; b++)
    for (let co = 0; co < cout; co++)
      for (let oh = 0; oh < h; oh++)
        for (let ow = 0; ow < w; ow++) {
          const yi = ((b * cout + co) * h + oh) * w + ow;
          for (let ci = 0; ci < cin; ci++)
            for (let kh = 0; kh < k; kh++) {
              const ih = oh + kh - pad;
              if (ih < 0 || ih >= h) continue;
              for (let kw = 0; kw < k; kw++) {
                const iw = ow + kw - pad;
                if (iw < 0 || iw >= w) continue;
                f(((b * cin + ci) * h + ih) * w + iw, ((co * cin + ci) * k + kh) * k + kw, yi);
              }
            }
        }
}

/**
 * y[n,co,h,w] = b[co] + Σ_{ci,kh,kw} x[n,ci,h+kh−p,w+kw−p]·W[co,ci,kh,kw].
 * @param x [N,Cin,H,W]  @param wt [Cout,Cin,K,K]  @param b [Cout]
 * @returns y [N,Cout,H,W] in double precision
 * @throws RangeError when a length does not match the shape
 */
export function conv2dForwardReference(shape: Conv2dShape, x: Tensor, wt: Tensor, b: Tensor): Float64Array {
  const fn = 'conv2dForwardReference';
  const { n, cin, cout, h, w, k } = sizes(fn, shape);
  checkLength(fn, 'x', x, n * cin * h * w);
  checkLength(fn, 'wt', wt, cout * cin * k * k);
  checkLength(fn, 'b', b, cout);
  const y = new Float64Array(n * cout * h * w);
  for (let i = 0; i < y.length; i++) y[i] = b[Math.floor(i / (h * w)) % cout];
  forEachTap(shape, (xi, wi, yi) => { y[yi] += x[xi] * wt[wi]; });
  return y;
}

/**
 * dx = ∂(Σ y·dy)/∂x: dx[n,ci,ih,iw] = Σ over the taps reading x[n,ci,ih,iw] of dy[n,co,h,w]·W[co,ci,kh,kw].
 * @param dy [N,Cout,H,W]  @param wt [Cout,Cin,K,K]
 * @returns dx [N,Cin,H,W]
 * @throws RangeError when a length does not match the shape
 */
export function conv2dGradInputReference(shape: Conv2dShape, dy: Tensor, wt: Tensor): Float64Array {
  const fn = 'conv2dGradInputReference';
  const { n, cin, cout, h, w, k } = sizes(fn, shape);
  checkLength(fn, 'dy', dy, n * cout * h * w);
  checkLength(fn, 'wt', wt, cout * cin * k * k);
  const dx = new Float64Array(n * cin * h * w);
  forEachTap(shape, (xi, wi, yi) => { dx[xi] += dy[yi] * wt[wi]; });
  return dx;
}

/**
 * dW = ∂(Σ y·dy)/∂W and db = ∂(Σ y·dy)/∂b:
 * dW[co,ci,kh,kw] = Σ_{n,h,w} dy[n,co,h,w]·x[n,ci,h+kh−p,w+kw−p], db[co] = Σ_{n,h,w} dy[n,co,h,w].
 * @param x [N,Cin,H,W]  @param dy [N,Cout,H,W]
 * @returns dw [Cout,Cin,K,K] and db [Cout]
 * @throws RangeError when a length does not match the shape
 */
export function conv2dGradWeightReference(shape: Conv2dShape, x: Tensor, dy: Tensor): { dw: Float64Array; db: Float64Array } {
  const fn = 'conv2dGradWeightReference';
  const { n, cin, cout, h, w, k } = sizes(fn, shape);
  checkLength(fn, 'x', x, n * cin * h * w);
  checkLength(fn, 'dy', dy, n * cout * h * w);
  const dw = new Float64Array(cout * cin * k * k);
  const db = new Float64Array(cout);
  for (let i = 0; i < dy.length; i++) db[Math.floor(i / (h * w)) % cout] += dy[i];
  forEachTap(shape, (xi, wi, yi) => { dw[wi] += dy[yi] * x[xi]; });
  return { dw, db };
}
