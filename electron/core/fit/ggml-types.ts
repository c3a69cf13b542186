import { GGML_TYPES, ggmlTypeName, tensorByteSize } from "../gguf/ggml-types.js";

export { GGML_TYPES };
export type { GgmlTypeName } from "../gguf/ggml-types.js";

/** Bytes a tensor of this type id and shape occupies (a header read from a file gives ids). */
export function tensorBytes(typeId: number, dimensions: readonly (number | bigint)[]): number {
  const name = ggmlTypeName(typeId);
  if (!name) throw new Error(`Unknown GGML tensor type ${typeId}.`);
  return tensorByteSize(name, dimensions);
}
