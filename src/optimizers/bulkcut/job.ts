// The evaluation of a Bulk & Cut trial (docs/methods.md#bulkcut-training): build the child's
// initial weights (a fresh naive network, or the parent's saved model grown by morphism or cut
// by pruning), train it with flips, per-sample mixup and soft cross-entropy (or, for a cut
// child, the MSE to its parent's logits on the same augmented images), measure it, and save it
// as the model later children start from. Runs where the data is (the problem's evaluation, in
// a worker or this thread); the job is plain JSON, checked here before anything is trained.
import { Rng } from '../../random/rng.ts';
import type { ModelState, ResidentDataset, TrainingBackend } from '../../train/backend.ts';
import { loadCheckpoint, removeCheckpoint, saveCheckpoint } from '../../train/checkpoint.ts';
import { loadModel, saveModel } from '../../train/model-file.ts';
import { initParameters } from '../../train/network.ts';
import { buildPlan, splitParameters } from '../../train/plan.ts';
import { trainAndEvaluate, type EpochInfo, type TrainResult } from '../../train/trainer.ts';
import type { EvaluationFiles } from '../../problems/types.ts';
import type { BulkCutJob } from './index.ts';
import { bncSpec, bulkUpModel, bulkUpState, checkModel, prunedModel, pruneState, type BncModel } from './model.ts';

/** Check that a job is a Bulk & Cut job this build can run; the message names the field. */
export function checkBulkCutJob(raw: Record<string, unknown>): BulkCutJob {
  const fn = 'bulkcut job';
  const job = raw as unknown as BulkCutJob;
  if (job.kind !== 'bulkcut') throw new RangeError(`${fn}: kind must be 'bulkcut', got ${JSON.stringify(job.kind)}`);
  if (!['init', 'bulk-up', 'slim-down'].includes(job.phase)) throw new RangeError(`${fn}: phase must be init, bulk-up or slim-down, got ${JSON.stringify(job.phase)}`);
  checkModel(job.model, `${fn}: model`);
  if (typeof job.lrExp !== 'number' || !(job.lrExp >= -10 && job.lrExp <= 1)) throw new RangeError(`${fn}: lrExp must be a number in [-10, 1], got ${JSON.stringify(job.lrExp)}`);
  if (!Number.isInteger(job.epochs) || job.epochs < 0 || job.epochs > 1000) throw new RangeError(`${fn}: epochs must be an integer in [0, 1000], got ${JSON.stringify(job.epochs)}`);
  if (job.variant !== 'fixed' && job.variant !== 'paper') throw new RangeError(`${fn}: variant must be 'fixed' or 'paper', got ${JSON.stringify(job.variant)}`);
  if (typeof job.save !== 'string' || !/^[\w.-]+\.safetensors$/.test(job.save)) throw new RangeError(`${fn}: save must be a file name ending in .safetensors, got ${JSON.stringify(job.save)}`);
  if (job.bulkUp || job.prune) {
    if (!Number.isInteger(job.parent) || (job.parent as number) < 0) throw new RangeError(`${fn}: parent must be a trial number, got ${JSON.stringify(job.parent)}`);
    checkModel(job.parentModel as BncModel, `${fn}: parentModel`);
    // the child's structure must be what the operation makes of the parent's
    const expected = job.bulkUp ? bulkUpModel(job.parentModel!, job.bulkUp) : prunedModel(job.parentModel!, job.prune!);
    if (JSON.stringify(expected) !== JSON.stringify(job.model)) throw new RangeError(`${fn}: model is not what the ${job.bulkUp ? 'bulk-up' : 'pruning'} makes of parentModel`);
  }
  return job;
}

export interface BulkCutRun {
  backend: TrainingBackend;
  data: ResidentDataset;
  seed: number;
  files?: EvaluationFiles;
  signal?: AbortSignal;
  onEpoch?: (info: EpochInfo) => void;
  onWarning?: (message: string) => void;
}

/** Run one job: the trained child's results (its state saved to files.model). */
export async function runBulkCutJob(raw: Record<string, unknown>, run: BulkCutRun): Promise<TrainResult & { epochs: number; batchSize: number }> {
  const job = checkBulkCutJob(raw);
  const { files = {}, seed } = run;
  const spec = bncSpec(job.model);
  if (spec.input.join('x') !== run.data.shape.join('x') || spec.numClasses !== run.data.numClasses) {
    throw new RangeError(`bulkcut job: the model expects ${spec.input.join('x')} inputs and ${spec.numClasses} classes, the data has ${run.data.shape.join('x')} and ${run.data.numClasses}`);
  }
  const resume = files.checkpoint ? await loadCheckpoint(files.checkpoint, spec, seed, run.onWarning) : undefined;
  // the parent is needed for the child's first weights (unless a checkpoint has them) and as a cut child's teacher
  let parent: ModelState | undefined;
  if (job.parent !== undefined && (job.teacher || !resume)) {
    if (!files.models) throw new RangeError('bulkcut job: files.models (the folder of saved models) is needed to find the parent');
    parent = (await loadModel(`${files.models.replace(/[\\/]+$/, '')}/trial-${job.parent}.safetensors`)).state;
  }
  let init: ModelState | undefined;
  if (!resume) {
    const rng = new Rng(seed ^ 0x2545f491);
    if (job.bulkUp) init = bulkUpState(job.parentModel!, parent!, job.bulkUp, rng, { variant: job.variant });
    else if (job.prune) init = pruneState(job.parentModel!, parent!, job.prune, rng, { variant: job.variant });
    else init = splitParameters(buildPlan(spec, 1, 1), initParameters(spec, seed));
  }
  // batch size: an eighth of the training set (docs/methods.md#bulkcut-training)
  const batchSize = Math.ceil(run.data.sizes.train / 8);
  let r: Awaited<ReturnType<typeof trainAndEvaluate>>;
  try {
    r = await trainAndEvaluate(run.backend, run.data, spec, {
      epochs: job.epochs,
      batchSize,
      lr: 10 ** job.lrExp,
      seed,
      signal: run.signal,
      onEpoch: run.onEpoch,
      init,
      resume,
      onCheckpoint: files.checkpoint ? (c) => saveCheckpoint(files.checkpoint!, spec, seed, c) : undefined,
      augment: { mixupAlpha: 0.25 },
      teacher: job.teacher ? { spec: bncSpec(job.parentModel!), state: parent! } : undefined,
      preTrainingLoss: true,
      evaluateTrain: true,
      keepState: true,
    });
  } catch (err) {
    // a failed training is not run again: its checkpoint goes; an aborted one keeps it for the rerun
    if (files.checkpoint && !run.signal?.aborted) await removeCheckpoint(files.checkpoint);
    throw err;
  }
  if (files.model) {
    await saveModel(files.model, r.state!, {
      spec,
      metadata: { format: 'paretonas-bulkcut', model: JSON.stringify(job.model), phase: job.phase, parent: String(job.parent ?? ''), lr_exp: String(job.lrExp) },
    });
  }
  if (files.checkpoint) await removeCheckpoint(files.checkpoint);
  return { ...r, epochs: job.epochs, batchSize };
}
