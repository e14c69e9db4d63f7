/**
 * C's printf("%.<p>g") for a double: p significant digits, trailing zeros dropped, exponent
 * notation when the decimal exponent is < -4 or >= p. moocore prints numbers this way (p = 15),
 * so output can be diffed against it.
 */
export function formatG(x: number, p = 15): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const expForm = x.toExponential(p - 1);
  const ePos = expForm.indexOf('e');
  const e = Number(expForm.slice(ePos + 1));
  if (e < -4 || e >= p) {
    const mant = stripZeros(expForm.slice(0, ePos));
    const sign = e < 0 ? '-' : '+';
    const abs = Math.abs(e);
    return `${mant}e${sign}${abs < 10 ? '0' : ''}${abs}`;
  }
  return stripZeros(x.toFixed(Math.max(0, p - 1 - e)));
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  s = s.replace(/0+$/, '');
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

/** moocore's column format: "%-22.15g" (left-aligned, padded to 22 characters). */
export function formatCell(x: number): string {
  return formatG(x).padEnd(22, ' ');
}

/** A point as moocore prints it: cells joined by one space. */
export function formatRow(values: ArrayLike<number>, from = 0, d = values.length): string {
  const cells: string[] = [];
  for (let k = 0; k < d; k++) cells.push(formatCell(values[from + k]));
  return cells.join(' ');
}
