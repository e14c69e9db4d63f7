// The result block of eafCompute, allocated by the kernel; the host reads it, then frees it
// with dealloc(). Layout (byte offsets from the block):
//   0                 u32 T, the total number of surface points
//   4 + 4 l           u32 count of points on requested level l (l = 0..L-1)
//   H                 f64[T * d] the points, level after level (H = (4 + 4 L) rounded up to 8)
//   H + 8 T d         u8[T * nruns] per point, 1 when run r attains it (only if requested)
import { bufData, bufFree, bufLength } from './growbuf';

/** Byte offset of the points in a result block for L levels. */
export function resultHeaderBytes(L: i32): usize {
  return ((<usize>(L + 1) << 2) + 7) & ~(<usize>7);
}

/**
 * Copy the per-level point buffers (and attainment-flag buffers, when `flagBufs` != 0) into one
 * result block, freeing them. `pointBufs`/`flagBufs` are u32[L] arrays of growbuf handles.
 */
export function assembleResult(pointBufs: usize, flagBufs: usize, L: i32, d: i32, nruns: i32): usize {
  let total: usize = 0;
  for (let l = 0; l < L; l++) total += bufLength(<usize>load<u32>(pointBufs + (<usize>l << 2))) / (<usize>d << 3);
  const hdr = resultHeaderBytes(L);
  const pointBytes = total * (<usize>d << 3);
  const flagBytes = flagBufs != 0 ? total * <usize>nruns : 0;
  const res = heap.alloc(hdr + pointBytes + flagBytes);
  store<u32>(res, <u32>total);
  let pOff = res + hdr, fOff = res + hdr + pointBytes;
  for (let l = 0; l < L; l++) {
    const pb = <usize>load<u32>(pointBufs + (<usize>l << 2));
    const bytes = bufLength(pb);
    store<u32>(res + 4 + (<usize>l << 2), <u32>(bytes / (<usize>d << 3)));
    memory.copy(pOff, bufData(pb), bytes);
    pOff += bytes;
    bufFree(pb);
    if (flagBufs != 0) {
      const fb = <usize>load<u32>(flagBufs + (<usize>l << 2));
      memory.copy(fOff, bufData(fb), bufLength(fb));
      fOff += bufLength(fb);
      bufFree(fb);
    }
  }
  return res;
}
