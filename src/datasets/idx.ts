// A reader for the IDX format of MNIST and Fashion-MNIST (optionally gzip-compressed):
// two zero bytes, a type code, the number of dimensions, big-endian u32 sizes, then the data.

export interface IdxArray {
  data: Uint8Array | Float64Array;
  shape: number[];
}

function fail(where: string, msg: string): never {
  throw new RangeError(`idx: ${where}: ${msg}`);
}

/** Gunzip with the standard DecompressionStream (Node >= 18, Deno, browsers). */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Parse IDX bytes (gzip detected by its magic). */
export async function parseIdx(raw: Uint8Array, where = '<bytes>'): Promise<IdxArray> {
  const bytes = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b ? await gunzip(raw) : raw;
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) fail(where, 'not an IDX file (bad magic)');
  const type = bytes[2], dims = bytes[3];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 + 4 * dims) fail(where, 'truncated header');
  const shape = Array.from({ length: dims }, (_, i) => dv.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = 4 + 4 * dims;
  const size = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 }[type];
  if (size === undefined) fail(where, `unknown IDX type code 0x${type.toString(16)}`);
  if (offset + count * size > bytes.length) fail(where, `truncated data: expected ${count * size} bytes, found ${bytes.length - offset}`);
  if (type === 0x08) return { data: bytes.slice(offset, offset + count), shape };
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const o = offset + i * size;
    data[i] = type === 0x09 ? dv.getInt8(o) : type === 0x0b ? dv.getInt16(o, false) : type === 0x0c ? dv.getInt32(o, false) : type === 0x0d ? dv.getFloat32(o, false) : dv.getFloat64(o, false);
  }
  return { data, shape };
}
