// Named, typed uniform blocks, after onnxruntime-web's program uniforms ({ type, data } per
// value): each shader's uniform struct is declared once on the host — field names, order and
// types as in the WGSL `struct` the shader binds at @group(0) @binding(0) — and packed from a
// record keyed by those names, never from a positional list. The WGSL side is parsed here too,
// so that a test (test/train/uniforms.test.ts, for every shader) and GpuRuntime (once per
// shader, before the first dispatch) can check that the two declarations agree.

/** The WGSL scalar types a uniform field may have (4 bytes each, so fields pack back to back). */
export type UniformType = 'u32' | 'i32' | 'f32';

/** A struct's fields in declaration order: name → type. */
export type UniformFields = Readonly<Record<string, UniformType>>;

/** A value for every field except padding (names starting with `_`, packed as zero). */
export type UniformValues<F extends UniformFields> = {
  readonly [K in keyof F as K extends `_${string}` ? never : K]: number;
};

/** A packed uniform block: the declaration it follows, its values by name, and its bytes. */
export interface Uniforms {
  readonly struct: UniformStruct;
  readonly values: Readonly<Record<string, number>>;
  /** the bytes written to the uniform buffer (a multiple of 16) */
  readonly data: ArrayBuffer;
}

const U32_MAX = 0xffffffff;
const I32_MIN = -(2 ** 31), I32_MAX = 2 ** 31 - 1;

/**
 * The host-side declaration of a shader's uniform struct.
 * @example
 * const RELU_UNIFORMS = new UniformStruct('relu', 'ReluParams', { n: 'u32' });
 * RELU_UNIFORMS.pack({ n: 1024 }).data // → 16 bytes: 1024, 0, 0, 0 as u32
 */
export class UniformStruct<F extends UniformFields = UniformFields> {
  /** field names in declaration order */
  readonly names: readonly string[];
  /** bytes of the packed block: 4 per field, rounded up to 16 (at least 16) */
  readonly bytes: number;

  /**
   * @param shader the shader's base name (shaders/<shader>.wgsl)
   * @param struct the name of the WGSL struct the shader binds as `var<uniform>`
   * @param fields its fields, in the WGSL order (object keys keep insertion order)
   */
  constructor(readonly shader: string, readonly struct: string, readonly fields: F) {
    this.names = Object.keys(fields);
    this.bytes = Math.max(16, Math.ceil((4 * this.names.length) / 16) * 16);
  }

  /**
   * Pack values by field name: u32 and i32 as 32-bit integers, f32 rounded to float32.
   * @throws RangeError naming the struct and field when a value is missing, not an integer of
   *   the field's range, or names no field (a slip in the op, not in its caller's arguments)
   */
  pack(values: UniformValues<F>): Uniforms {
    const given = values as Readonly<Record<string, number>>;
    const data = new ArrayBuffer(this.bytes);
    const u = new Uint32Array(data), i = new Int32Array(data), f = new Float32Array(data);
    this.names.forEach((name, k) => {
      if (name.startsWith('_')) return;
      const v = given[name];
      const type = this.fields[name];
      if (type === 'f32') {
        if (typeof v !== 'number') throw this.error(name, type, v);
        f[k] = v;
      } else if (type === 'u32') {
        if (!Number.isInteger(v) || v < 0 || v > U32_MAX) throw this.error(name, type, v);
        u[k] = v;
      } else {
        if (!Number.isInteger(v) || v < I32_MIN || v > I32_MAX) throw this.error(name, type, v);
        i[k] = v;
      }
    });
    for (const name of Object.keys(given)) {
      if (!(name in this.fields) || name.startsWith('_')) {
        throw new RangeError(`${this.struct} (shaders/${this.shader}.wgsl) has no field '${name}' to set`);
      }
    }
    return { struct: this, values: given, data };
  }

  /** The values of a packed block by field name (padding included), as the shader reads them. */
  unpack(data: ArrayBuffer): Record<string, number> {
    const u = new Uint32Array(data), i = new Int32Array(data), f = new Float32Array(data);
    const out: Record<string, number> = {};
    this.names.forEach((name, k) => {
      const type = this.fields[name];
      out[name] = type === 'f32' ? f[k] : type === 'u32' ? u[k] : i[k];
    });
    return out;
  }

  private error(name: string, type: UniformType, v: unknown): RangeError {
    return new RangeError(`${this.struct}.${name} (shaders/${this.shader}.wgsl) is a ${type}, got ${v}`);
  }
}

/** A WGSL struct as declared: its name and its fields' names and types, in order. */
export interface WgslStruct {
  name: string;
  fields: { name: string; type: string }[];
}

/** WGSL source without its comments (line and block comments; block comments may nest). */
function stripComments(source: string): string {
  let out = '';
  let depth = 0;
  for (let k = 0; k < source.length; k++) {
    const two = source.slice(k, k + 2);
    if (two === '/*') {
      depth++;
      k++;
    } else if (depth > 0 && two === '*/') {
      depth--;
      k++;
      out += ' ';
    } else if (depth === 0 && two === '//') {
      while (k < source.length && source[k] !== '\n') k++;
      out += '\n';
    } else if (depth === 0) {
      out += source[k];
    }
  }
  return out;
}

/** The structs a WGSL source declares, by name. */
export function wgslStructs(source: string): Map<string, WgslStruct> {
  const structs = new Map<string, WgslStruct>();
  for (const m of stripComments(source).matchAll(/\bstruct\s+(\w+)\s*\{([^}]*)\}/g)) {
    const fields = m[2].split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((s) => {
      const colon = s.lastIndexOf(':');
      return colon < 0 ? { name: s, type: '' } : { name: s.slice(0, colon).trim(), type: s.slice(colon + 1).trim() };
    });
    structs.set(m[1], { name: m[1], fields });
  }
  return structs;
}

/** The type names of the `var<uniform>` declarations of a WGSL source, in order. */
export function wgslUniformTypes(source: string): string[] {
  return [...stripComments(source).matchAll(/\bvar\s*<\s*uniform\s*>\s*\w+\s*:\s*(\w+)\s*;/g)].map((m) => m[1]);
}

/**
 * How a host declaration differs from the uniform struct of a WGSL source (empty when they
 * agree): the source must bind exactly one `var<uniform>`, of the declared struct, whose fields
 * have the declared names, order and types (no attributes such as @align or @size).
 * @example uniformMismatches(RELU_UNIFORMS, 'struct ReluParams { n: u32 } @group(0) @binding(0) var<uniform> u: ReluParams;') // → []
 */
export function uniformMismatches(struct: UniformStruct, source: string): string[] {
  const where = `shaders/${struct.shader}.wgsl`;
  const types = wgslUniformTypes(source);
  if (types.length !== 1) return [`${where} declares ${types.length} var<uniform>, the host packs exactly one`];
  if (types[0] !== struct.struct) return [`${where} binds struct ${types[0]} as its uniforms, the host declares ${struct.struct}`];
  const wgsl = wgslStructs(source).get(struct.struct);
  if (!wgsl) return [`${where} declares no struct ${struct.struct}`];
  const out: string[] = [];
  const host = struct.names.map((name) => ({ name, type: struct.fields[name] as string }));
  const n = Math.max(host.length, wgsl.fields.length);
  for (let k = 0; k < n; k++) {
    const w = wgsl.fields[k], h = host[k];
    const show = (f: { name: string; type: string } | undefined) => (f ? `${f.name}: ${f.type}` : 'nothing');
    if (w?.name !== h?.name || w?.type !== h?.type) out.push(`${struct.struct} field ${k}: WGSL has ${show(w)}, the host ${show(h)}`);
  }
  return out;
}
