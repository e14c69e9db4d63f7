// STUB: exclusive hypervolume contributions. Owner: contributions helper.
export function hvContributions(pts: usize, n: i32, d: i32, ref: usize, out: usize): i32 {
  return -1;
}
