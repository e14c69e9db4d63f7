#!/usr/bin/env node
// The `paretonas` command. Runs the compiled CLI (dist/, built by `npm run build`, which
// `npm ci` / `npm install` run through the `prepare` script).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
