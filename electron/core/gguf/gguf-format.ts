// What the GGUF format itself fixes, shared by the product's reader and the tests' writer
// (test/support/gguf/header-writer.ts). Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md

export const GGUF_DEFAULT_ALIGNMENT = 32;

/** GGUF metadata value type ids, as the format numbers them. */
export const GGUF_VALUE_TYPE = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
} as const;

/** One metadata value (or array item) once decoded. */
export type GgufScalar = number | bigint | boolean | string;
