// ggml tensor types: id in the file, values per block, bytes per block (from ggml's type traits).

interface GgmlTypeTraits {
  readonly id: number;
  readonly blockSize: number;
  readonly typeSize: number;
}

export const GGML_TYPES = {
  F32: { id: 0, blockSize: 1, typeSize: 4 },
  F16: { id: 1, blockSize: 1, typeSize: 2 },
  Q4_0: { id: 2, blockSize: 32, typeSize: 18 },
  Q4_1: { id: 3, blockSize: 32, typeSize: 20 },
  Q5_0: { id: 6, blockSize: 32, typeSize: 22 },
  Q5_1: { id: 7, blockSize: 32, typeSize: 24 },
  Q8_0: { id: 8, blockSize: 32, typeSize: 34 },
  Q8_1: { id: 9, blockSize: 32, typeSize: 36 },
  Q2_K: { id: 10, blockSize: 256, typeSize: 84 },
  Q3_K: { id: 11, blockSize: 256, typeSize: 110 },
  Q4_K: { id: 12, blockSize: 256, typeSize: 144 },
  Q5_K: { id: 13, blockSize: 256, typeSize: 176 },
  Q6_K: { id: 14, blockSize: 256, typeSize: 210 },
  Q8_K: { id: 15, blockSize: 256, typeSize: 292 },
  IQ2_XXS: { id: 16, blockSize: 256, typeSize: 66 },
  IQ2_XS: { id: 17, blockSize: 256, typeSize: 74 },
  IQ3_XXS: { id: 18, blockSize: 256, typeSize: 98 },
  IQ1_S: { id: 19, blockSize: 256, typeSize: 50 },
  IQ4_NL: { id: 20, blockSize: 32, typeSize: 18 },
  IQ3_S: { id: 21, blockSize: 256, typeSize: 110 },
  IQ2_S: { id: 22, blockSize: 256, typeSize: 82 },
  IQ4_XS: { id: 23, blockSize: 256, typeSize: 136 },
  I8: { id: 24, blockSize: 1, typeSize: 1 },
  I16: { id: 25, blockSize: 1, typeSize: 2 },
  I32: { id: 26, blockSize: 1, typeSize: 4 },
  I64: { id: 27, blockSize: 1, typeSize: 8 },
  F64: { id: 28, blockSize: 1, typeSize: 8 },
  IQ1_M: { id: 29, blockSize: 256, typeSize: 56 },
  BF16: { id: 30, blockSize: 1, typeSize: 2 },
  TQ1_0: { id: 34, blockSize: 256, typeSize: 54 },
  TQ2_0: { id: 35, blockSize: 256, typeSize: 66 },
  MXFP4: { id: 39, blockSize: 32, typeSize: 17 },
} as const satisfies Record<string, GgmlTypeTraits>;

export type GgmlTypeName = keyof typeof GGML_TYPES;

const byId = new Map<number, GgmlTypeName>(Object.entries(GGML_TYPES).map(([name, traits]) => [traits.id, name as GgmlTypeName]));

export function ggmlTypeId(name: GgmlTypeName): number {
  return GGML_TYPES[name].id;
}

export function ggmlTypeByName(name: string): GgmlTypeName | undefined {
  return Object.hasOwn(GGML_TYPES, name) ? (name as GgmlTypeName) : undefined;
}

export function ggmlTypeName(id: number): GgmlTypeName | undefined {
  return byId.get(id);
}

/** Bytes a tensor of this type and shape occupies; its row length must fill whole blocks. */
export function tensorByteSize(type: GgmlTypeName, dims: readonly (number | bigint)[]): number {
  const { blockSize, typeSize } = GGML_TYPES[type];
  const rowLength = Number(dims[0] ?? 1);
  if (rowLength % blockSize !== 0) {
    throw new Error(`A ${type} tensor needs rows of a multiple of ${blockSize} values, not ${rowLength}`);
  }
  const elements = dims.reduce<number>((product, dim) => product * Number(dim), 1);
  return (elements / blockSize) * typeSize;
}
