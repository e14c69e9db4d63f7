// The two datasets of the paper, as float32 NCHW images in [0, 1] with integer labels.
import { envVar, readPackageFile, workingDirectory } from '../platform/index.ts';
import { Rng } from '../random/rng.ts';
import { parseIdx } from './idx.ts';
import { parseNpy } from './npy.ts';

export interface Split {
  /** images, NCHW float32 */
  x: Float32Array;
  labels: Int32Array;
  n: number;
}

export interface Dataset {
  name: 'flowers' | 'fashion';
  /** [channels, height, width] */
  shape: [number, number, number];
  numClasses: number;
  train: Split;
  val: Split;
  test: Split;
}

/** Environment variables naming the data directories. */
export const FLOWERS_DIR_ENV = 'PARETONAS_FLOWERS_DIR';
export const FASHION_DIR_ENV = 'PARETONAS_FASHION_DIR';
export const FASHION_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';

function fileUrl(dir: string, file: string): URL {
  const base = dir.endsWith('/') ? dir : `${dir}/`;
  return /^[a-z]+:\/\//i.test(base) ? new URL(file, base) : new URL(file, `file://${base.startsWith('/') ? '' : (workingDirectory() ?? '') + '/'}${base}`);
}

/**
 * Data files already in memory, by file name (a browser page's file picker, a bundler's assets):
 * the loaders take them in place of a directory.
 */
export type DataFiles = Record<string, Uint8Array>;

/** Where a loader reads its files: a directory (path or URL) or the files themselves. */
export type DataSource = string | DataFiles;

function describeSource(source: DataSource): string {
  return typeof source === 'string' ? source : 'the given files';
}

async function read(source: DataSource, file: string, what: string): Promise<Uint8Array> {
  if (typeof source !== 'string') {
    const bytes = source[file];
    if (!(bytes instanceof Uint8Array)) {
      const have = Object.keys(source);
      throw new Error(`${what}: ${file} is not among the given files (${have.length > 0 ? have.join(', ') : 'none'})`);
    }
    return bytes;
  }
  const dir = source;
  try {
    return await readPackageFile(fileUrl(dir, file));
  } catch (err) {
    throw new Error(`${what}: cannot read ${file} in ${dir} (${(err as Error).message})`, { cause: err });
  }
}

/** NHWC float64 -> NCHW float32. */
function toNchw(src: Float64Array | Uint8Array, n: number, h: number, w: number, c: number, scale: number): Float32Array {
  const out = new Float32Array(n * c * h * w);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++) out[((i * c + k) * h + y) * w + x] = src[((i * h + y) * w + x) * c + k] * scale;
  return out;
}

/**
 * Oxford Flowers 17 at 16x16 from the paper's .npy files (x_{train,val,test}.npy NHWC float64,
 * y_*.npy one-hot). `dir`: their directory (default $PARETONAS_FLOWERS_DIR) or the files by name.
 */
export async function loadFlowers(dir: DataSource | undefined = envVar(FLOWERS_DIR_ENV)): Promise<Dataset> {
  const what = 'loadFlowers';
  if (!dir) throw new Error(`${what}: no data directory: pass dataDir or set ${FLOWERS_DIR_ENV} to the folder with x_train.npy ...`);
  const split = async (name: 'train' | 'val' | 'test'): Promise<Split> => {
    const x = parseNpy(await read(dir, `x_${name}.npy`, what), `${describeSource(dir)}: x_${name}.npy`);
    const y = parseNpy(await read(dir, `y_${name}.npy`, what), `${describeSource(dir)}: y_${name}.npy`);
    if (x.shape.length !== 4 || x.shape[1] !== 16 || x.shape[2] !== 16 || x.shape[3] !== 3) {
      throw new RangeError(`${what}: x_${name}.npy has shape (${x.shape}), expected (N, 16, 16, 3)`);
    }
    if (y.shape.length !== 2 || y.shape[0] !== x.shape[0] || y.shape[1] !== 17) {
      throw new RangeError(`${what}: y_${name}.npy has shape (${y.shape}), expected (${x.shape[0]}, 17)`);
    }
    const n = x.shape[0];
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let k = 1; k < 17; k++) if (y.data[i * 17 + k] > y.data[i * 17 + best]) best = k;
      labels[i] = best;
    }
    return { x: toNchw(x.data, n, 16, 16, 3, 1), labels, n };
  };
  const [train, val, test] = await Promise.all([split('train'), split('val'), split('test')]);
  return { name: 'flowers', shape: [3, 16, 16], numClasses: 17, train, val, test };
}

/**
 * Fashion-MNIST from the IDX files (Debian package dataset-fashion-mnist). The 60,000 training
 * images are split into 48,000 for training and 12,000 for validation by a seeded permutation
 * (seed 0 by default: the first 48,000 of a Fisher-Yates shuffle with Rng(seed) train, the
 * rest validate); the official 10,000 test images are the test split. Pixels scaled to [0, 1].
 */
export async function loadFashion(dir: DataSource = envVar(FASHION_DIR_ENV) ?? FASHION_DEFAULT_DIR, splitSeed = 0): Promise<Dataset> {
  const what = 'loadFashion';
  const load = async (file: string) => parseIdx(await read(dir, file, what), `${describeSource(dir)}: ${file}`);
  const [trX, trY, teX, teY] = await Promise.all([
    load('train-images-idx3-ubyte.gz'), load('train-labels-idx1-ubyte.gz'),
    load('t10k-images-idx3-ubyte.gz'), load('t10k-labels-idx1-ubyte.gz'),
  ]);
  const check = (a: { shape: number[] }, shape: number[], f: string) => {
    if (a.shape.join() !== shape.join()) throw new RangeError(`${what}: ${f} has shape (${a.shape}), expected (${shape})`);
  };
  check(trX, [60000, 28, 28], 'train-images'); check(trY, [60000], 'train-labels');
  check(teX, [10000, 28, 28], 'test-images'); check(teY, [10000], 'test-labels');
  const order = Array.from({ length: 60000 }, (_, i) => i);
  new Rng(splitSeed).shuffle(order);
  const pick = (idx: number[], xs: Uint8Array | Float64Array, ys: Uint8Array | Float64Array): Split => {
    const x = new Float32Array(idx.length * 784);
    const labels = new Int32Array(idx.length);
    idx.forEach((src, i) => {
      for (let p = 0; p < 784; p++) x[i * 784 + p] = xs[src * 784 + p] / 255;
      labels[i] = ys[src];
    });
    return { x, labels, n: idx.length };
  };
  return {
    name: 'fashion',
    shape: [1, 28, 28],
    numClasses: 10,
    train: pick(order.slice(0, 48000), trX.data, trY.data),
    val: pick(order.slice(48000), trX.data, trY.data),
    test: pick(Array.from({ length: 10000 }, (_, i) => i), teX.data, teY.data),
  };
}
