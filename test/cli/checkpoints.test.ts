// Kills that lose nothing, through the real CLI on real Flowers images (the WebAssembly CPU
// backend): a Bulk & Cut search killed with -9 during its bulk-up phase and resumed keeps every
// finished model and goes on through its phases; a training killed in the middle continues from
// its last finished epoch.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseJournal } from '../../src/study/journal.ts';
import type { StudyEvent } from '../../src/study/events.ts';
import { loadModel } from '../../src/train/model-file.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/paretonas.js');
const FLOWERS_DIR = process.env.PARETONAS_FLOWERS_DIR ?? `${root}../shared/data/flowers17`;
const dir = mkdtempSync(join(tmpdir(), 'paretonas-ckpt-'));

type Ask = Extract<StudyEvent, { type: 'ask' }>;
type Tell = Extract<StudyEvent, { type: 'tell' }>;

function events(out: string): StudyEvent[] {
  const p = join(out, 'trials.jsonl');
  if (!existsSync(p)) return [];
  return parseJournal(readFileSync(p, 'utf8'), p, () => {}).events;
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Poll until `ready` holds (or fail after `seconds`), then kill the child with SIGKILL. */
async function killWhen(child: ReturnType<typeof spawn>, ready: () => boolean, seconds: number): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (!ready()) {
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error('the condition to kill at never came');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
}

const data = ['--problem', 'flowers', '--device', 'wasm', '--concurrency', '1', '--data-dir', FLOWERS_DIR];

describe('kills lose nothing', () => {
  it('a Bulk & Cut search killed during bulk-up and resumed keeps every finished model and runs on through its phases', async () => {
    const out = join(dir, 'bnc');
    const args = ['search', ...data, '--method', 'bulkcut', '--max-seconds', '16', '--seed', '2', '--out', out,
      '--method-options', '{"epochs": 3, "slimEpochs": 2}', '--problem-options', '{"maxWidth": 24, "subset": {"train": 64, "val": 34, "test": 34}}'];
    const child = spawn(process.execPath, [bin, ...args], { stdio: 'ignore' });
    const toldBulkUp = () => {
      const ev = events(out);
      const bulk = new Set((ev.filter((e) => e.type === 'ask') as Ask[]).filter((a) => a.info?.phase === 'bulk-up').map((a) => a.number));
      return (ev.filter((e) => e.type === 'tell') as Tell[]).some((t) => bulk.has(t.number));
    };
    await killWhen(child, toldBulkUp, 60);
    const before = events(out);
    const told = (before.filter((e) => e.type === 'tell') as Tell[]).filter((t) => t.state === 'complete');
    expect(told.length).toBeGreaterThan(3);
    const hashes = new Map(told.map((t) => [t.number, sha(join(out, 'models', `trial-${t.number}.safetensors`))]));

    const r = spawnSync(process.execPath, [bin, 'search', '--resume', '--out', out, '--max-seconds', '16', '-q'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const after = events(out);
    // the journal before the kill is a prefix of the one after; finished trials were not run again
    expect(after.slice(0, before.length)).toEqual(before);
    const asks = after.filter((e) => e.type === 'ask') as Ask[];
    const tells = after.filter((e) => e.type === 'tell') as Tell[];
    for (const t of told) expect(tells.filter((x) => x.number === t.number)).toEqual([t]);
    // every model finished before the kill is still there, byte for byte
    for (const [n, h] of hashes) expect(sha(join(out, 'models', `trial-${n}.safetensors`)), `trial ${n}`).toBe(h);
    // the resumed run went on through the phases; children name finished parents whose models exist
    expect(new Set(asks.map((a) => a.info?.phase))).toEqual(new Set(['init', 'bulk-up', 'slim-down']));
    const complete = new Set(tells.filter((t) => t.state === 'complete').map((t) => t.number));
    for (const a of asks.filter((x) => x.info?.parent !== undefined)) {
      expect(complete.has(a.info!.parent as number)).toBe(true);
      expect(a.info!.parent as number).toBeLessThan(a.number);
    }
    for (const n of complete) expect(existsSync(join(out, 'models', `trial-${n}.safetensors`))).toBe(true);
    // a cut child's model holds its own, smaller structure
    const cut = asks.find((a) => a.info?.phase === 'slim-down' && complete.has(a.number))!;
    const saved = await loadModel(join(out, 'models', `trial-${cut.number}.safetensors`));
    expect(JSON.parse(saved.metadata.model)).toEqual((cut.info!.job as { model: unknown }).model);
    expect(tells.every((t) => t.state === 'complete')).toBe(true);
  });

  it('a training killed in the middle continues from its last finished epoch on --resume; --keep-models keeps its model', async () => {
    const out = join(dir, 'long');
    const args = ['search', ...data, '--method', 'random', '--max-evals', '1', '--seed', '5', '--out', out, '--keep-models',
      '--problem-options', '{"maxWidth": 32, "minEpochs": 60, "maxEpochs": 60}'];
    const child = spawn(process.execPath, [bin, ...args], { stdio: 'ignore' });
    const checkpoint = join(out, 'checkpoints', 'trial-0.safetensors');
    let epoch = 0;
    await killWhen(child, () => {
      if (!existsSync(checkpoint)) return false;
      try {
        epoch = Number(JSON.parse(readFileSync(checkpoint).subarray(8, 8 + Number(readFileSync(checkpoint).readBigUInt64LE(0))).toString()).__metadata__.epoch);
      } catch {
        return false;
      }
      return epoch >= 2;
    }, 120);
    expect(epoch).toBeGreaterThanOrEqual(2);
    expect(epoch).toBeLessThan(60);
    const r = spawnSync(process.execPath, [bin, 'search', '--resume', '--out', out, '--max-evals', '1', '-q'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const tells = events(out).filter((e) => e.type === 'tell') as Tell[];
    expect(tells.length).toBe(1);
    expect(tells[0].state).toBe('complete');
    // it started from a checkpoint at least as late as the one seen before the kill
    expect(tells[0].metrics!.resumed_from_epoch as number).toBeGreaterThanOrEqual(epoch);
    expect(tells[0].metrics!.epochs).toBe(60);
    expect(existsSync(checkpoint)).toBe(false);
    // --keep-models: the trained network, with its configuration in the file's header
    const kept = await loadModel(join(out, 'models', 'trial-0.safetensors'));
    expect(JSON.parse(kept.metadata.config)).toEqual((events(out).find((e) => e.type === 'ask') as Ask).params);
    expect(kept.state.has('conv0.weight')).toBe(true);
  });
});
