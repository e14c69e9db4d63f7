// `npm run bench:train`: the training suites of `paretonas bench` (src/bench/suites/train.ts) —
// GFLOP/s of the training kernels in WebAssembly and on WebGPU, and training images/s per
// configuration beside PyTorch on this CPU — printed as the CLI prints them.
//   npm run bench:train [-- --quick] [-- --software-gpu] [-- --json FILE] [-- --python PATH] [-- train-kernels|train]
// PyTorch: --python, else $TORCH_PYTHON, else /usr/bin/python3 where it exists.
import { existsSync } from 'node:fs';
import { benchCommand } from '../src/cli/bench.ts';

const argv = process.argv.slice(2);
const python = process.env.TORCH_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : undefined);
const suites = argv.some((a) => a === 'train' || a === 'train-kernels') ? [] : ['train-kernels', 'train'];
process.exitCode = await benchCommand([...suites, ...argv, ...(python && !argv.includes('--python') ? ['--python', python] : [])]);
