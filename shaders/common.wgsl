// Shared declarations, prepended to every shader of paretonas.

// Number of workgroups along x is limited (65535): large 1-D dispatches use a 2-D grid and
// recover the linear index from it.
fn linear_index(gid: vec3u, nwg: vec3u, wg: u32) -> u32 {
  return gid.x + gid.y * nwg.x * wg;
}
