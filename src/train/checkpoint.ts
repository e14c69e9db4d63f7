// A training's checkpoint: its state after the last finished epoch (parameters, BatchNorm
// statistics, Adam's moments) with the epoch and the losses so far, in a model file. A training
// killed mid-way continues from it (src/train/trainer.ts, `resume`), and the epochs already done
// are not trained again. The header names the network and the seed, so a checkpoint of another
// training is never taken for this one.
import type { ModelState } from './backend.ts';
import { loadModel, saveModel } from './model-file.ts';
import type { NetworkSpec } from './network.ts';

export interface Checkpoint {
  /** epochs finished */
  epoch: number;
  /** mean training loss of each finished epoch */
  losses: number[];
  state: ModelState;
  /** the validation loss before training, when it was measured */
  preTrainingValLoss?: number;
}

/** What identifies a training: the network's layers and the seed. */
function identity(spec: NetworkSpec, seed: number): string {
  return JSON.stringify({ input: spec.input, classes: spec.numClasses, params: spec.params.map((p) => [p.name, p.shape]), seed });
}

/** Write the checkpoint (atomically: a kill while writing leaves the previous one). */
export async function saveCheckpoint(path: string, spec: NetworkSpec, seed: number, c: Checkpoint): Promise<void> {
  await saveModel(path, c.state, {
    spec,
    metadata: {
      format: 'paretonas-checkpoint', training: identity(spec, seed), epoch: String(c.epoch), losses: JSON.stringify(c.losses),
      ...(c.preTrainingValLoss !== undefined ? { pre_training_val_loss: String(c.preTrainingValLoss) } : {}),
    },
  });
}

/**
 * The checkpoint at `path` when there is one of this training (same network and seed);
 * undefined when there is none. `onWarning` hears of a file that is unreadable or of another training.
 */
export async function loadCheckpoint(path: string, spec: NetworkSpec, seed: number, onWarning?: (m: string) => void): Promise<Checkpoint | undefined> {
  const fs = await import('node:fs/promises');
  try {
    await fs.access(path);
  } catch {
    return undefined;
  }
  try {
    const { state, metadata } = await loadModel(path);
    if (metadata.format !== 'paretonas-checkpoint' || metadata.training !== identity(spec, seed)) {
      onWarning?.(`${path} is the checkpoint of another training; this one starts from scratch`);
      return undefined;
    }
    const epoch = Number(metadata.epoch), losses = JSON.parse(metadata.losses) as number[];
    if (!Number.isInteger(epoch) || epoch < 0 || !Array.isArray(losses) || losses.length !== epoch) throw new Error(`bad epoch ${metadata.epoch} / losses`);
    const pre = metadata.pre_training_val_loss !== undefined ? Number(metadata.pre_training_val_loss) : undefined;
    return { epoch, losses, state, ...(pre !== undefined ? { preTrainingValLoss: pre } : {}) };
  } catch (err) {
    onWarning?.(`${path} cannot be read (${(err as Error).message}); the training starts from scratch`);
    return undefined;
  }
}

/** Remove a checkpoint (when its training has ended). */
export async function removeCheckpoint(path: string): Promise<void> {
  const fs = await import('node:fs/promises');
  await fs.rm(path, { force: true });
}
