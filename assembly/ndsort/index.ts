// STUB: non-dominated sorting. Owner: ndsort helper.
export function ndsort(pts: usize, n: i32, d: i32, out: usize): i32 {
  return -1;
}
export function nonDominated(pts: usize, n: i32, d: i32, keepDuplicates: i32, out: usize): i32 {
  return -1;
}
