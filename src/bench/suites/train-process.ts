// A child process of the 'train' suite (train-node.ts): one training of the job given as JSON in
// argv[2], then one JSON line with its figures and the process's peak resident memory.
import { runTraining, type TrainingJob } from './train.ts';

const job = JSON.parse(process.argv[2] ?? '') as TrainingJob;
const r = await runTraining(job);
process.stdout.write(`${JSON.stringify({ ...r, rssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
// Dawn's threads may keep a WebGPU training's process alive after the device is gone.
process.exit(0);
