/**
 * Convert `number[][]` (one row per point) to the row-major Float64Array the API takes.
 * @throws RangeError on an empty set, ragged rows or non-finite values.
 * @example fromRows([[1, 2], [3, 4]]) // Float64Array [1, 2, 3, 4]
 */
export function fromRows(rows: readonly (readonly number[])[], fn = 'fromRows'): Float64Array {
  if (!Array.isArray(rows)) throw new TypeError(`${fn}: rows must be an array of arrays`);
  if (rows.length === 0) throw new RangeError(`${fn}: rows is empty`);
  const first = rows[0];
  if (!Array.isArray(first) || first.length === 0) throw new RangeError(`${fn}: rows[0] must be a non-empty array`);
  const d = first.length;
  const out = new Float64Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!Array.isArray(r) || r.length !== d) {
      throw new RangeError(`${fn}: rows[${i}] has ${Array.isArray(r) ? r.length : 'no'} values, expected ${d} (ragged rows)`);
    }
    for (let j = 0; j < d; j++) {
      const v = r[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new RangeError(`${fn}: rows[${i}][${j}] must be a finite number, got ${String(v)}`);
      }
      out[i * d + j] = v;
    }
  }
  return out;
}

/** Split a row-major Float64Array back into rows. */
export function toRows(points: Float64Array, d: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < points.length; i += d) rows.push(Array.from(points.subarray(i, i + d)));
  return rows;
}
