// STUB
export function igd(pts: usize, n: i32, refset: usize, m: i32, d: i32): f64 { return -1; }
export function igdPlus(pts: usize, n: i32, refset: usize, m: i32, d: i32): f64 { return -1; }
export function epsilonAdditive(pts: usize, n: i32, refset: usize, m: i32, d: i32): f64 { return -1; }
