// Raw memory for the host. Buffers are allocated with the runtime's TLSF allocator
// (runtime "minimal"); kernels never create managed objects, so no GC ever runs.
// Any allocation may grow linear memory: the host re-reads `memory.buffer` after every call.

export function alloc(bytes: usize): usize {
  return heap.alloc(bytes == 0 ? 8 : bytes);
}

export function dealloc(ptr: usize): void {
  if (ptr != 0) heap.free(ptr);
}
