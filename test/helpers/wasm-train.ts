// The builds of the CPU training module a test file runs its kernels on: baseline always, relaxed
// SIMD where this runtime has it (Node 20 turns it on at run time, as the trainer does).
import { readFile } from 'node:fs/promises';
import { requestRelaxedSimd } from '../../src/platform/index.ts';
import { TrainModule, type SimdFlavour } from '../../src/train/wasm/module.ts';

/** The builds to test; a runtime without relaxed SIMD is said once, by the file named `who`. */
export async function trainFlavours(who: string): Promise<SimdFlavour[]> {
  await requestRelaxedSimd();
  const relaxed = WebAssembly.validate((await readFile(new URL('../../build/train-relaxed.wasm', import.meta.url))) as BufferSource);
  if (!relaxed) console.warn(`${who}: this runtime rejects relaxed SIMD; testing the baseline build only`);
  return relaxed ? ['baseline', 'relaxed'] : ['baseline'];
}

/** One module instance per build, each checked to be the build asked for. */
export async function openTrainModules(flavours: readonly SimdFlavour[]): Promise<Map<SimdFlavour, TrainModule>> {
  const out = new Map<SimdFlavour, TrainModule>();
  for (const f of flavours) {
    const m = await TrainModule.create(f);
    if (m.flavour !== f || m.fn<() => number>('simdFlavour')() !== (f === 'relaxed' ? 1 : 0)) throw new Error(`asked for the ${f} build of the training module, got ${m.flavour}`);
    out.set(f, m);
  }
  return out;
}
