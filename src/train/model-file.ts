// Trained networks as files: the safetensors format (an 8-byte little-endian header length, a
// JSON header naming each tensor's dtype, shape and byte range, then the raw little-endian data),
// so that a model saved here opens in PyTorch (`safetensors.torch.load_file`) or any reader of the
// format. Tensor names follow PyTorch's where there is one (bn0.weight, bn0.running_mean, ...);
// a checkpoint's Adam moments are `adam.exp_avg.<name>` and `adam.exp_avg_sq.<name>`. Files are
// written to a temporary name and renamed, so a kill never leaves a half-written model.
import type { ModelState } from './backend.ts';
import type { NetworkSpec } from './network.ts';
import { processId } from '../platform/index.ts';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
let tmpCounter = 0;

export interface ModelFile {
  state: ModelState;
  /** string key/values stored in the header's __metadata__ (architecture, epoch, ...) */
  metadata: Record<string, string>;
}

/** File names of a state's tensors (BatchNorm's γβ and running statistics split as PyTorch names them). */
function fileTensors(state: ModelState): [string, Float32Array][] {
  const out: [string, Float32Array][] = [];
  for (const [name, t] of state) {
    const adam = /^adam\.([mv]):(.*)$/.exec(name);
    const prefix = adam ? `adam.${adam[1] === 'm' ? 'exp_avg' : 'exp_avg_sq'}.` : '';
    const base = adam ? adam[2] : name;
    const bn = /^bn\d+$/.exec(base), running = /^(bn\d+)\.running$/.exec(base);
    if (bn || running) {
      const half = t.length / 2;
      const [a, b] = bn ? [`${base}.weight`, `${base}.bias`] : [`${running![1]}.running_mean`, `${running![1]}.running_var`];
      out.push([prefix + a, t.subarray(0, half)], [prefix + b, t.subarray(half)]);
    } else out.push([prefix + base, t]);
  }
  return out;
}

/** The inverse of fileTensors. */
function stateTensors(tensors: Map<string, Float32Array>, where: string): ModelState {
  const state: ModelState = new Map();
  const joined = new Set<string>();
  for (const [name, t] of tensors) {
    if (joined.has(name)) continue;
    const adam = /^adam\.(exp_avg|exp_avg_sq)\.(.*)$/.exec(name);
    const prefix = adam ? `adam.${adam[1] === 'exp_avg' ? 'm' : 'v'}:` : '';
    const base = adam ? adam[2] : name;
    const pair = /^(bn\d+)\.(weight|bias|running_mean|running_var)$/.exec(base);
    if (!pair) {
      state.set(prefix + base, t);
      continue;
    }
    const running = pair[2].startsWith('running');
    const first = `${pair[1]}.${running ? 'running_mean' : 'weight'}`, second = `${pair[1]}.${running ? 'running_var' : 'bias'}`;
    const fileName = (n: string) => (adam ? `adam.${adam[1]}.${n}` : n);
    const a = tensors.get(fileName(first)), b = tensors.get(fileName(second));
    if (!a || !b || a.length !== b.length) throw new Error(`${where}: '${fileName(first)}' and '${fileName(second)}' must both be present with the same length`);
    joined.add(fileName(first)).add(fileName(second));
    const both = new Float32Array(2 * a.length);
    both.set(a);
    both.set(b, a.length);
    state.set(prefix + (running ? `${pair[1]}.running` : pair[1]), both);
  }
  return state;
}

/**
 * The bytes of a safetensors file holding `state`. Shapes come from `spec` where it names the
 * tensor (conv weights [out, in, k, k], linear weights [out, in]); other tensors are 1-D.
 */
export function encodeModel(state: ModelState, options: { spec?: NetworkSpec; metadata?: Record<string, string> } = {}): Uint8Array {
  const shapes = new Map((options.spec?.params ?? []).map((p) => [p.name, p.shape]));
  const header: Record<string, unknown> = {};
  if (options.metadata) {
    for (const [k, v] of Object.entries(options.metadata)) {
      if (typeof v !== 'string') throw new TypeError(`encodeModel: metadata '${k}' must be a string, got ${typeof v}`);
    }
    header.__metadata__ = options.metadata;
  }
  const tensors = fileTensors(state);
  let offset = 0;
  for (const [name, t] of tensors) {
    const base = name.replace(/^adam\.(exp_avg|exp_avg_sq)\./, '');
    const shape = shapes.get(base) ?? [t.length];
    if (shape.reduce((a, b) => a * b, 1) !== t.length) throw new RangeError(`encodeModel: tensor '${name}' has ${t.length} values, its shape ${JSON.stringify(shape)} needs ${shape.reduce((a, b) => a * b, 1)}`);
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + 4 * t.length] };
    offset += 4 * t.length;
  }
  let json = JSON.stringify(header);
  // pad the header with spaces so the data starts 8-byte aligned (as the format's writers do)
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const bytes = new Uint8Array(8 + head.length + offset);
  const dv = new DataView(bytes.buffer);
  dv.setBigUint64(0, BigInt(head.length), true);
  bytes.set(head, 8);
  let at = 8 + head.length;
  for (const [, t] of tensors) {
    // raw bytes (bit-exact, NaN payloads too); swapped on a big-endian host
    bytes.set(new Uint8Array(t.buffer, t.byteOffset, t.byteLength), at);
    if (!LITTLE_ENDIAN) for (let i = at; i < at + t.byteLength; i += 4) bytes.subarray(i, i + 4).reverse();
    at += t.byteLength;
  }
  return bytes;
}

/** Read a safetensors file's F32 tensors and metadata. */
export function decodeModel(bytes: Uint8Array, where = 'decodeModel'): ModelFile {
  if (bytes.length < 8) throw new Error(`${where}: not a safetensors file (${bytes.length} bytes)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  if (n > bytes.length - 8 || n > 100 * 2 ** 20) throw new Error(`${where}: not a safetensors file (header length ${n} of a ${bytes.length}-byte file)`);
  let header: Record<string, { dtype?: unknown; shape?: unknown; data_offsets?: unknown }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (err) {
    throw new Error(`${where}: the safetensors header is not JSON: ${(err as Error).message}`);
  }
  const data = 8 + n, size = bytes.length - data;
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, Float32Array>();
  for (const [name, h] of Object.entries(header)) {
    if (name === '__metadata__') {
      Object.assign(metadata, h);
      continue;
    }
    const off = h.data_offsets as number[];
    if (h.dtype !== 'F32') throw new Error(`${where}: tensor '${name}' has dtype ${JSON.stringify(h.dtype)}; only F32 is read`);
    if (!Array.isArray(off) || off.length !== 2 || !(off[0] >= 0 && off[1] >= off[0] && off[1] <= size) || (off[1] - off[0]) % 4 !== 0) {
      throw new Error(`${where}: tensor '${name}' has bad data_offsets ${JSON.stringify(off)} (data holds ${size} bytes)`);
    }
    const count = (off[1] - off[0]) / 4;
    const shape = h.shape as number[];
    if (!Array.isArray(shape) || shape.reduce((a, b) => a * b, 1) !== count) throw new Error(`${where}: tensor '${name}' has shape ${JSON.stringify(shape)} but ${count} values`);
    const raw = new Uint8Array(off[1] - off[0]); // a copy (a Node Buffer's slice would be a view of its pool)
    raw.set(bytes.subarray(data + off[0], data + off[1]));
    if (!LITTLE_ENDIAN) for (let i = 0; i < raw.length; i += 4) raw.subarray(i, i + 4).reverse();
    const t = new Float32Array(raw.buffer, 0, count);
    tensors.set(name, t);
  }
  return { state: stateTensors(tensors, where), metadata };
}

/** Write a model file atomically (a temporary file renamed into place; parent folders created). */
export async function saveModel(path: string, state: ModelState, options: { spec?: NetworkSpec; metadata?: Record<string, string> } = {}): Promise<void> {
  const fs = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  const bytes = encodeModel(state, options);
  await fs.mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${processId() ?? 0}-${tmpCounter++}`;
  await fs.writeFile(tmp, bytes);
  await fs.rename(tmp, path);
}

/** Read a model file written by saveModel (or any F32 safetensors file). */
export async function loadModel(path: string): Promise<ModelFile> {
  const fs = await import('node:fs/promises');
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (err) {
    throw new Error(`loadModel: cannot read ${path}: ${(err as Error).message}`);
  }
  return decodeModel(bytes, `loadModel(${path})`);
}
