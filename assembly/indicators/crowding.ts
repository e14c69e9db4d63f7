// STUB
export function crowdingDistance(pts: usize, n: i32, d: i32, out: usize): void {}
