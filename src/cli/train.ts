import { setVerbose } from '../platform/index.ts';
import { CnnProblem } from '../problems/cnn.ts';
import { DEVICE_CHOICES, type DeviceChoice } from '../train/backends/index.ts';
import type { SearchSpace } from '../space/space.ts';
import type { Config } from '../space/types.ts';
import { flag, optionHelp, parseArgs, value, type OptionSpec } from './args.ts';
import { CliError } from './errors.ts';

const OPTIONS: OptionSpec[] = [
  { name: 'help', short: 'h', help: 'print this help and exit' },
  { name: 'problem', short: 'p', value: true, help: 'flowers or fashion' },
  { name: 'config', short: 'c', value: true, help: 'JSON object of hyperparameters; missing ones take their defaults' },
  { name: 'epochs', short: 'e', value: true, help: 'training epochs (default 25)' },
  { name: 'seed', short: 's', value: true, help: 'seed of initialisation and shuffling (default 0)' },
  { name: 'data-dir', short: 'd', value: true, help: 'data directory (default: $PARETONAS_FLOWERS_DIR, or /usr/share/datasets/fashion-mnist)' },
  { name: 'device', value: true, help: "auto (default: a hardware WebGPU adapter, else the CPU), webgpu (any adapter, software too) or wasm (the CPU)" },
  { name: 'json', help: 'print the metrics as one JSON object' },
  { name: 'verbose', short: 'v', help: "let the GPU driver's messages through to stderr" },
  { name: 'quiet', short: 'q', help: 'no per-epoch lines' },
];

export const TRAIN_HELP = `Usage: paretonas train --problem flowers|fashion [--config JSON] [--epochs N] [--seed S] [--data-dir D] [--json]

Train the CNN of one configuration of the paper's space (on a hardware WebGPU adapter when there
is one, else on the CPU with WebAssembly SIMD) and print its metrics (val/test top-1 and top-3
accuracy in %, parameter count, time, images/s, backend and device).

${optionHelp(OPTIONS)}`;

/** Defaults overridden by the given values; hyperparameters made inactive by them are dropped. */
export function completeConfig(space: SearchSpace, partial: Record<string, unknown>): Config {
  for (const k of Object.keys(partial)) if (!space.has(k)) throw new CliError(`--config: unknown hyperparameter '${k}' (known: ${space.names.join(', ')})`, 2);
  const merged = { ...space.defaultConfig(), ...(partial as Config) };
  const out: Config = {};
  for (const name of space.names) {
    if (!space.isActive(name, out)) {
      if (name in partial) throw new CliError(`--config: '${name}' is inactive in this configuration (see its condition) but was given`, 2);
      continue;
    }
    out[name] = merged[name] ?? space.defaultConfig()[name] ?? space.fromUnit(name, 0.5);
  }
  try {
    return space.validate(out, '--config');
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
}

export async function trainCommand(argv: string[]): Promise<number> {
  const args = parseArgs('train', argv, OPTIONS);
  if (flag(args, 'help')) {
    process.stdout.write(TRAIN_HELP + '\n');
    return 0;
  }
  const name = value(args, 'problem');
  if (name !== 'flowers' && name !== 'fashion') throw new CliError(`--problem must be flowers or fashion, got ${JSON.stringify(name ?? '')}`, 2);
  let partial: Record<string, unknown> = {};
  const text = value(args, 'config');
  if (text !== undefined) {
    try {
      partial = JSON.parse(text);
    } catch (err) {
      throw new CliError(`--config must be a JSON object: ${(err as Error).message}`, 2);
    }
    if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) throw new CliError('--config must be a JSON object', 2);
  }
  const num = (opt: string, def: number) => {
    const v = value(args, opt);
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new CliError(`--${opt} must be a non-negative integer, got '${v}'`, 2);
    return n;
  };
  const epochs = num('epochs', 25), seed = num('seed', 0);
  const json = flag(args, 'json'), quiet = flag(args, 'quiet') || json;
  const device = value(args, 'device') ?? 'auto';
  if (!(DEVICE_CHOICES as readonly string[]).includes(device)) throw new CliError(`--device must be one of ${DEVICE_CHOICES.join(', ')}, got '${device}'`, 2);
  if (flag(args, 'verbose')) setVerbose();
  const problem = new CnnProblem(name, {
    dataDir: value(args, 'data-dir'),
    device: device as DeviceChoice,
    onEpoch: quiet ? undefined : (e) => process.stderr.write(`epoch ${e.epoch}/${epochs}  loss ${e.loss.toFixed(4)}  ${e.seconds.toFixed(1)} s  ${e.imagesPerSecond.toFixed(0)} images/s\n`),
  });
  const config = completeConfig(problem.space, partial);
  try {
    const r = await problem.train(config, { budget: epochs, seed });
    const out = {
      problem: name,
      config,
      epochs: r.epochs,
      val_acc_1: 100 * r.valTop1,
      val_acc_3: 100 * r.valTop3,
      tst_acc_1: 100 * r.testTop1,
      tst_acc_3: 100 * r.testTop3,
      num_params: Math.log10(r.numParams),
      n_parameters: r.numParams,
      seconds: r.seconds,
      images_per_second: r.imagesPerSecond,
      backend: r.backend,
      device: r.device,
    };
    if (json) process.stdout.write(JSON.stringify(out) + '\n');
    else {
      process.stdout.write(
        `${name}: ${r.epochs} epochs on ${r.backend} (${r.device})\n` +
          `  validation top-1 ${out.val_acc_1.toFixed(2)} %  top-3 ${out.val_acc_3.toFixed(2)} %\n` +
          `  test       top-1 ${out.tst_acc_1.toFixed(2)} %  top-3 ${out.tst_acc_3.toFixed(2)} %\n` +
          `  parameters ${r.numParams} (log10 ${out.num_params.toFixed(4)})\n` +
          `  ${r.seconds.toFixed(1)} s, ${r.imagesPerSecond.toFixed(1)} training images/s\n`,
      );
    }
    return 0;
  } finally {
    await problem.dispose();
  }
}
