// A reader for NumPy's .npy format (versions 1.0-3.0): magic, version, header length, a Python
// dict literal header ('descr', 'fortran_order', 'shape'), then the raw array data.

export interface NpyArray {
  /** the values, converted to float64 */
  data: Float64Array;
  shape: number[];
  /** the stored dtype, e.g. '<f8' */
  dtype: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function fail(where: string, msg: string): never {
  throw new RangeError(`npy: ${where}: ${msg}`);
}

/** Parse the bytes of a .npy file. `where` names the file in errors. */
export function parseNpy(bytes: Uint8Array, where = '<bytes>'): NpyArray {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) fail(where, 'not a .npy file (bad magic)');
  const major = bytes[6];
  if (major < 1 || major > 3) fail(where, `unsupported .npy version ${major}.${bytes[7]}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) fail(where, 'truncated header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) fail(where, `malformed header: ${header.trim()}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0) fail(where, `bad shape entry '${s}'`);
    return n;
  });
  if (fortran === 'True') fail(where, 'Fortran-order arrays are not supported (save with C order)');
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  if (!m) fail(where, `unsupported dtype '${descr}'`);
  const [, order, kind, sizeText] = m;
  const size = Number(sizeText);
  const little = order !== '>';
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  if (offset + count * size > bytes.length) {
    fail(where, `truncated data: ${count} values of ${size} bytes need ${count * size} bytes, found ${bytes.length - offset}`);
  }
  const read: ((o: number) => number) | undefined = (() => {
    switch (`${kind}${size}`) {
      case 'f8': return (o: number) => dv.getFloat64(o, little);
      case 'f4': return (o: number) => dv.getFloat32(o, little);
      case 'i8': return (o: number) => Number(dv.getBigInt64(o, little));
      case 'i4': return (o: number) => dv.getInt32(o, little);
      case 'i2': return (o: number) => dv.getInt16(o, little);
      case 'i1': return (o: number) => dv.getInt8(o);
      case 'u8': return (o: number) => Number(dv.getBigUint64(o, little));
      case 'u4': return (o: number) => dv.getUint32(o, little);
      case 'u2': return (o: number) => dv.getUint16(o, little);
      case 'u1': case 'b1': return (o: number) => dv.getUint8(o);
      default: return undefined;
    }
  })();
  if (!read) fail(where, `unsupported dtype '${descr}'`);
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = read(offset + i * size);
  return { data, shape, dtype: descr };
}
