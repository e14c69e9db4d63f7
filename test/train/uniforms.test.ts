// The host-side uniform declarations of the GPU kernels (src/gpu/uniforms.ts) against the WGSL
// structs of shaders/*.wgsl: every shader's uniform struct is declared once, with the WGSL's
// field names, order and types, so a drift on either side fails here, without a GPU. Then every
// op's dispatches are checked to carry the declaration of the shader they run, and GpuRuntime
// to refuse a declaration that differs from the WGSL it compiles.
import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadShader, type DispatchSpec } from '../../src/gpu/runtime.ts';
import { UniformStruct, uniformMismatches, wgslStructs, wgslUniformTypes } from '../../src/gpu/uniforms.ts';
import { accuracy } from '../../src/train/kernels/accuracy.ts';
import { adamStep } from '../../src/train/kernels/adam.ts';
import { augmentBatch, mixTargets } from '../../src/train/kernels/augment.ts';
import { batchnormBackward, batchnormForwardEval, batchnormForwardTrain } from '../../src/train/kernels/batchnorm.ts';
import { conv2dForward, conv2dGradInput, conv2dGradWeight } from '../../src/train/kernels/conv2d.ts';
import { biasGrad, denseBackward, denseForward, gemm } from '../../src/train/kernels/dense.ts';
import { gatherBatch } from '../../src/train/kernels/gather-batch.ts';
import { globalAvgPoolBackward, globalAvgPoolForward } from '../../src/train/kernels/global-avg-pool.ts';
import { maxpool2x2Backward, maxpool2x2Forward } from '../../src/train/kernels/maxpool2x2.ts';
import { RELU_SHADERS, RELU_UNIFORMS, reluBackward, reluForward } from '../../src/train/kernels/relu.ts';
import { mseLoss, softCrossEntropy, softmaxCrossEntropy } from '../../src/train/kernels/softmax-cross-entropy.ts';
import { openGpu } from '../helpers/gpu.ts';

const KERNELS = new URL('../../src/train/kernels/', import.meta.url);
const SHADERS = new URL('../../shaders/', import.meta.url);

/** Every export of the kernel modules: the uniform declarations and the *_SHADERS lists. */
const modules = await Promise.all(
  readdirSync(KERNELS).filter((f) => f.endsWith('.ts')).map(async (f) => [f, (await import(new URL(f, KERNELS).href)) as Record<string, unknown>] as const),
);
const declared = modules.flatMap(([, m]) => Object.values(m).filter((v): v is UniformStruct => v instanceof UniformStruct));
const listed = new Set(modules.flatMap(([f, m]) => Object.entries(m).filter(([k]) => k.endsWith('_SHADERS')).flatMap(([, v]) => (v as string[]).map((s) => [s, f] as const))).map(([s]) => s));
const shaderFiles = readdirSync(SHADERS).filter((f) => f.endsWith('.wgsl')).map((f) => f.slice(0, -'.wgsl'.length));
const sources = new Map(await Promise.all(shaderFiles.map(async (s) => [s, await loadShader(s)] as const)));

describe('uniform declarations against the WGSL structs', () => {
  it('every shader with a var<uniform> has exactly one host declaration, and every declaration a shader', () => {
    const withUniforms = shaderFiles.filter((s) => wgslUniformTypes(sources.get(s)!).length > 0).sort();
    expect(withUniforms.length).toBeGreaterThanOrEqual(15);
    expect(declared.map((d) => d.shader).sort()).toEqual(withUniforms);
    for (const s of listed) expect(withUniforms, `${s} (a *_SHADERS entry)`).toContain(s);
  });

  it.each(declared.map((d) => [d.shader, d] as const))('the host declaration of %s matches its WGSL struct field by field', (_, d) => {
    expect(uniformMismatches(d, sources.get(d.shader)!)).toEqual([]);
    const wgsl = wgslStructs(sources.get(d.shader)!).get(d.struct)!;
    expect(wgsl.fields.map((f) => `${f.name}: ${f.type}`)).toEqual(d.names.map((n) => `${n}: ${d.fields[n]}`));
    expect(d.bytes).toBe(Math.max(16, Math.ceil((4 * wgsl.fields.length) / 16) * 16));
  });

  it('uniformMismatches(struct, source) reports a renamed, reordered, retyped, added or removed field', () => {
    const src = sources.get('adam')!;
    const adam = declared.find((d) => d.shader === 'adam')!;
    const drift = (from: string, to: string) => {
      expect(src, `the adam shader still declares '${from}'`).toContain(from);
      return uniformMismatches(adam, src.replace(from, to));
    };
    expect(drift('one_minus_beta1: f32', 'one_minus_b1: f32')).toEqual(['AdamParams field 5: WGSL has one_minus_b1: f32, the host one_minus_beta1: f32']);
    expect(drift('t: u32,\n  _pad: u32,', '_pad: u32,\n  t: u32,')).toHaveLength(2);
    expect(drift('lr: f32', 'lr: u32')).toEqual(['AdamParams field 4: WGSL has lr: u32, the host lr: f32']);
    expect(drift('grad_scale: f32,', 'grad_scale: f32,\n  extra: u32,')).toEqual(['AdamParams field 12: WGSL has extra: u32, the host nothing']);
    expect(drift('  grad_scale: f32,\n', '')).toEqual(['AdamParams field 11: WGSL has nothing, the host grad_scale: f32']);
    expect(drift('var<uniform> ad: AdamParams', 'var<uniform> ad: Other')).toEqual(['shaders/adam.wgsl binds struct Other as its uniforms, the host declares AdamParams']);
    expect(drift('@group(0) @binding(0) var<uniform>', '@group(0) @binding(9) var<uniform> extra: AdamParams;\n@group(0) @binding(0) var<uniform>'))
      .toEqual(['shaders/adam.wgsl declares 2 var<uniform>, the host packs exactly one']);
  });

  it('wgslStructs ignores line and nested block comments', () => {
    const s = wgslStructs('struct A { /* b: f32, /* nested */ */ a: u32, // c: i32,\n d: i32 }');
    expect(s.get('A')!.fields).toEqual([{ name: 'a', type: 'u32' }, { name: 'd', type: 'i32' }]);
  });
});

describe('UniformStruct.pack', () => {
  const S = new UniformStruct('example', 'P', { n: 'u32', _pad: 'u32', d: 'i32', x: 'f32', k: 'u32' });

  it('packs by name at the declared positions, padding as zero, rounded up to 16 bytes', () => {
    const u = S.pack({ n: 7, d: -3, x: 0.1, k: 0xffffffff });
    expect(u.data.byteLength).toBe(32);
    expect(Array.from(new Uint32Array(u.data, 0, 2))).toEqual([7, 0]);
    expect(new Int32Array(u.data)[2]).toBe(-3);
    expect(new Float32Array(u.data)[3]).toBe(Math.fround(0.1));
    expect(new Uint32Array(u.data)[4]).toBe(0xffffffff);
    expect(S.unpack(u.data)).toEqual({ n: 7, _pad: 0, d: -3, x: Math.fround(0.1), k: 0xffffffff });
    expect(u.struct).toBe(S);
    expect(RELU_UNIFORMS.pack({ n: 1 }).data.byteLength).toBe(16);
  });

  it('names the struct and field of a missing, out-of-range or unknown value', () => {
    expect(() => S.pack({ n: -1, d: 0, x: 0, k: 0 })).toThrow(/P.n \(shaders\/example.wgsl\) is a u32, got -1/);
    expect(() => S.pack({ n: 1.5, d: 0, x: 0, k: 0 })).toThrow(/P.n .* is a u32, got 1.5/);
    expect(() => S.pack({ n: 0, d: 2 ** 31, x: 0, k: 0 })).toThrow(/P.d .* is a i32/);
    expect(() => S.pack({ n: 0, d: 0, k: 0 } as never)).toThrow(/P.x .* is a f32, got undefined/);
    expect(() => S.pack({ n: 0, d: 0, x: 0, k: 0, m: 1 } as never)).toThrow(/P \(shaders\/example.wgsl\) has no field 'm'/);
    expect(() => S.pack({ n: 0, d: 0, x: 0, k: 0, _pad: 1 } as never)).toThrow(/has no field '_pad'/);
  });
});

describe('every op dispatches the uniforms of the shader it runs', () => {
  // Ops build pure descriptions: stand-ins with a size serve as buffers here (no GPU needed).
  const buf = (): GPUBuffer => ({ size: 1 << 24 }) as GPUBuffer;
  const [a, b, c, d, e, f, g, h] = Array.from({ length: 8 }, buf);
  const conv = { batch: 2, inChannels: 3, outChannels: 4, height: 5, width: 5, kernelSize: 3 };
  const img = { n: 2, c: 3, h: 4, w: 4 };
  const bn = { gamma: { buffer: c, offset: 0 }, beta: { buffer: c, offset: 3 }, runningMean: { buffer: d, offset: 0 }, runningVar: { buffer: d, offset: 3 }, coef: e };
  const ops: [string, DispatchSpec[]][] = [
    ['reluForward', [...reluForward({ n: 10 }, { x: a, y: b }), ...reluForward({ n: 10 }, { x: a })]],
    ['reluBackward', [...reluBackward({ n: 10 }, { y: a, dy: b, dx: c }), ...reluBackward({ n: 10 }, { y: a, dy: b })]],
    ['conv2dForward', conv2dForward(conv, { x: a, w: b, b: c, y: d })],
    ['conv2dGradInput', conv2dGradInput(conv, { dy: a, w: b, dx: c })],
    ['conv2dGradWeight', conv2dGradWeight(conv, { x: a, dy: b, dw: c, db: d, scratch: e }, { splits: 2 })],
    ['gemm', gemm({ m: 3, n: 10, k: 600 }, { a, b, c, bias: d, workspace: e }, { bTrans: true, splitK: 4 })],
    ['biasGrad', biasGrad({ rows: 3, cols: 5 }, { dy: a, db: { buffer: b, offset: 7 } })],
    ['denseForward', denseForward({ batch: 2, inFeatures: 3, outFeatures: 4 }, { x: a, weight: b, y: c }, { relu: true })],
    ['denseBackward', denseBackward({ batch: 2, inFeatures: 3, outFeatures: 4 }, { x: a, weight: b, dy: c, dx: d, dweight: e, dbias: f })],
    ['adamStep', adamStep({ n: 10 }, { params: a, grads: b, m: c, v: d }, { t: 3, lr: 0.1 })],
    ['batchnormForwardTrain', batchnormForwardTrain(img, { x: a, y: b, ...bn, workspace: f })],
    ['batchnormForwardEval', batchnormForwardEval(img, { x: a, y: b, ...bn })],
    ['batchnormBackward', batchnormBackward(img, { x: a, dy: b, coef: e, workspace: f, dx: g, dgamma: { buffer: h, offset: 0 }, dbeta: { buffer: h, offset: 3 } })],
    ['maxpool2x2Forward', maxpool2x2Forward(img, { x: a, y: b, argmax: c })],
    ['maxpool2x2Backward', maxpool2x2Backward(img, { dy: a, argmax: b, dx: c })],
    ['globalAvgPoolForward', globalAvgPoolForward(img, { x: a, y: b })],
    ['globalAvgPoolBackward', globalAvgPoolBackward(img, { dy: a, dx: b })],
    ['softmaxCrossEntropy', softmaxCrossEntropy({ rows: 4, classes: 3 }, { logits: a, labels: b, rowLoss: c, loss: { buffer: d, offset: 2 }, dlogits: e })],
    ['softCrossEntropy', softCrossEntropy({ rows: 4, classes: 3 }, { logits: a, targets: b, rowLoss: c, loss: d, dlogits: e })],
    ['mseLoss', mseLoss({ rows: 4, classes: 3 }, { logits: a, teacher: b, rowLoss: c, loss: d, dlogits: e })],
    ['accuracy', accuracy({ rows: 4, classes: 3 }, { logits: a, labels: b, counters: { buffer: c, offset: 2 } })],
    ['gatherBatch', gatherBatch({ batch: 2, c: 3, h: 4, w: 4 }, { data: a, indices: { buffer: b, offset: 5 }, labels: c, table: d, x: e, y: f }, { format: 'u8' })],
    ['augmentBatch', augmentBatch(img, { x: a, out: b, flip: c, lambda: d, partner: e })],
    ['mixTargets', mixTargets({ n: 2, classes: 3 }, { labels: a, targets: b })],
  ];

  it.each(ops)('%s', (_, specs) => {
    expect(specs.length).toBeGreaterThan(0);
    for (const s of specs) {
      expect(s.uniforms.struct.shader).toBe(s.shader);
      expect(s.uniforms.data.byteLength).toBe(s.uniforms.struct.bytes);
      const read = s.uniforms.struct.unpack(s.uniforms.data);
      for (const [k, v] of Object.entries(s.uniforms.values)) expect(read[k], `${s.shader} ${k}`).toBe(s.uniforms.struct.fields[k] === 'f32' ? Math.fround(v) : v);
    }
  });

  it('the uniforms carry the sizes and offsets by name', () => {
    const [spec] = adamStep({ n: 10 }, { params: { buffer: a, offset: 4 }, grads: { buffer: b, offset: 4 }, m: { buffer: c, offset: 4 }, v: { buffer: d, offset: 4 } }, { t: 3, lr: 0.1 });
    expect(spec.uniforms.values).toMatchObject({ n: 10, offset: 4, t: 3, lr: 0.1 });
    const [gather] = gatherBatch({ batch: 2, c: 1, h: 2, w: 2 }, { data: { buffer: a, offset: 3 }, indices: { buffer: b, offset: 5 }, labels: c, table: d, x: e, y: f }, { format: 'u8' });
    expect(gather.uniforms.values).toMatchObject({ b: 2, start: 5, data_offset: 12, src_nhwc: 1 });
  });
});

const { env, skip } = await openGpu(RELU_SHADERS);
afterAll(() => env?.close());

describe.skipIf(!env)(`GpuRuntime checks the uniforms against the WGSL it compiles${skip ? ` (${skip})` : ''}`, () => {
  it('prepare() refuses a declaration that differs from the shader or belongs to another shader', () => {
    const { rt } = env!;
    const x = rt.buffer(64);
    const spec = (uniforms: DispatchSpec['uniforms']): DispatchSpec => ({ shader: 'relu', entry: 'forward_inplace', constants: { WG: 256 }, uniforms, buffers: [x], workgroups: [1] });
    expect(() => rt.prepare(spec(new UniformStruct('relu', 'ReluParams', { count: 'u32' }).pack({ count: 1 }))))
      .toThrow(/GpuRuntime: the uniforms declared for 'relu' differ from its WGSL: ReluParams field 0: WGSL has n: u32, the host count: u32/);
    expect(() => rt.prepare(spec(new UniformStruct('adam', 'ReluParams', { n: 'u32' }).pack({ n: 1 }))))
      .toThrow(/GpuRuntime: a dispatch of 'relu' carries uniforms declared for 'adam'/);
    const ok = rt.prepare(spec(RELU_UNIFORMS.pack({ n: 16 })));
    rt.release(ok.uniform);
    rt.release(x);
  });
});
