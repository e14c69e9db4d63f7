import { expect } from 'vitest';

/** The relative tolerance for comparing two exact algorithms in double precision. */
export const REL_EXACT = 1e-12;

/** |a - b| <= rel * max(|a|, |b|, 1e-300) + abs */
export function expectClose(actual: number, expected: number, rel = REL_EXACT, abs = 1e-15, what = ''): void {
  if (actual === expected) return; // also equal infinities
  const tol = rel * Math.max(Math.abs(actual), Math.abs(expected)) + abs;
  if (!(Math.abs(actual - expected) <= tol)) {
    expect.fail(`${what ? what + ': ' : ''}expected ${expected}, got ${actual} (|diff| ${Math.abs(actual - expected)} > tol ${tol})`);
  }
}

export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = REL_EXACT, abs = 1e-15, what = ''): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expectClose(actual[i], expected[i], rel, abs, `${what}[${i}]`);
}
