// A growable byte buffer in raw memory, for kernel outputs whose size is known only at the end.
// Header block (16 bytes): u32 data pointer, u32 length in bytes, u32 capacity in bytes.
// The data block doubles when full, so n appends cost O(n) bytes copied in all.

/** A new empty buffer with room for `capBytes` bytes (at least 64). */
export function bufNew(capBytes: usize): usize {
  const cap = capBytes < 64 ? <usize>64 : capBytes;
  const b = heap.alloc(16);
  store<u32>(b, <u32>heap.alloc(cap));
  store<u32>(b, 0, 4);
  store<u32>(b, <u32>cap, 8);
  return b;
}

// @ts-ignore: decorator
@inline
export function bufData(b: usize): usize {
  return <usize>load<u32>(b);
}

// @ts-ignore: decorator
@inline
export function bufLength(b: usize): usize {
  return <usize>load<u32>(b, 4);
}

/** Make room for `bytes` more bytes; returns where they go and counts them as written. */
export function bufGrow(b: usize, bytes: usize): usize {
  const len = bufLength(b);
  let cap = <usize>load<u32>(b, 8);
  if (len + bytes > cap) {
    while (len + bytes > cap) cap <<= 1;
    store<u32>(b, <u32>heap.realloc(bufData(b), cap));
    store<u32>(b, <u32>cap, 8);
  }
  store<u32>(b, <u32>(len + bytes), 4);
  return bufData(b) + len;
}

/** Forget the contents, keep the memory. */
export function bufClear(b: usize): void {
  store<u32>(b, 0, 4);
}

export function bufFree(b: usize): void {
  heap.free(bufData(b));
  heap.free(b);
}
