// Encodes a GGUF v3 header: typed metadata and the tensor-info table, padded to the alignment.
// Tests build whole files on top of it (tensor-writer.ts) and header-only files from catalog
// recipes (../catalog/recipe-header.ts). Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
import { ggmlTypeId, tensorByteSize } from "../../../electron/core/gguf/ggml-types.js";
import type { GgmlTypeName } from "../../../electron/core/gguf/ggml-types.js";
import { GGUF_DEFAULT_ALIGNMENT, GGUF_VALUE_TYPE, type GgufScalar } from "../../../electron/core/gguf/gguf-format.js";

export const GGUF_MAGIC = "GGUF";
export const GGUF_VERSION = 3;

// ---------------------------------------------------------------- metadata values

export type GgufNumberType = "u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "f32" | "f64";
export type GgufBigIntType = "u64" | "i64";
export type GgufScalarType = GgufNumberType | GgufBigIntType | "bool" | "string";

export type GgufMetadataValue =
  | { readonly type: GgufNumberType; readonly value: number }
  | { readonly type: GgufBigIntType; readonly value: bigint | number }
  | { readonly type: "bool"; readonly value: boolean }
  | { readonly type: "string"; readonly value: string }
  | { readonly type: "array"; readonly itemType: GgufScalarType; readonly value: readonly GgufScalar[] };

/** Metadata in file order (object key order is preserved for non-numeric keys). */
export type GgufMetadata = Readonly<Record<string, GgufMetadataValue>>;

/** Typed constructors, so a key's GGUF type is stated where its value is written. */
export const gguf = {
  u8: (value: number) => ({ type: "u8", value }) as const,
  i8: (value: number) => ({ type: "i8", value }) as const,
  u16: (value: number) => ({ type: "u16", value }) as const,
  i16: (value: number) => ({ type: "i16", value }) as const,
  u32: (value: number) => ({ type: "u32", value }) as const,
  i32: (value: number) => ({ type: "i32", value }) as const,
  u64: (value: bigint | number) => ({ type: "u64", value }) as const,
  i64: (value: bigint | number) => ({ type: "i64", value }) as const,
  f32: (value: number) => ({ type: "f32", value }) as const,
  f64: (value: number) => ({ type: "f64", value }) as const,
  bool: (value: boolean) => ({ type: "bool", value }) as const,
  string: (value: string) => ({ type: "string", value }) as const,
  array: (itemType: GgufScalarType, value: readonly GgufScalar[]) => ({ type: "array", itemType, value }) as const,
} satisfies Record<string, (...args: never[]) => GgufMetadataValue>;

// ---------------------------------------------------------------- tensor table

/** A tensor described without its data. Any ggml type is allowed. */
export interface GgufTensorInfo {
  readonly name: string;
  /** ggml order: dims[0] is the row length. */
  readonly dims: readonly number[];
  readonly type: GgmlTypeName;
}

/** A tensor's place in the data section. */
export interface GgufTensorPlacement extends GgufTensorInfo {
  /** From the start of the data section. */
  readonly offset: number;
  readonly byteSize: number;
}

export function alignUp(offset: number, alignment: number): number {
  return Math.ceil(offset / alignment) * alignment;
}

/** The file's alignment: `general.alignment` when present, else the format's default. */
export function ggufAlignment(metadata: GgufMetadata): number {
  const declared = metadata["general.alignment"];
  if (declared === undefined) return GGUF_DEFAULT_ALIGNMENT;
  if (declared.type !== "u32" || declared.value <= 0 || declared.value % 8 !== 0) {
    throw new TypeError("general.alignment must be a u32 multiple of 8");
  }
  return declared.value;
}

/**
 * Lays tensors out in the data section, each starting at a multiple of `alignment` (1 packs them
 * back to back). `dataSize` is where the last one ends, before any trailing padding.
 */
export function placeTensors(tensors: readonly GgufTensorInfo[], alignment: number): { placements: GgufTensorPlacement[]; dataSize: number } {
  let offset = 0;
  const placements: GgufTensorPlacement[] = [];
  const names = new Set<string>();
  for (const tensor of tensors) {
    if (names.has(tensor.name)) throw new Error(`Tensor "${tensor.name}" appears twice`);
    names.add(tensor.name);
    offset = alignUp(offset, alignment);
    const byteSize = tensorByteSize(tensor.type, tensor.dims);
    placements.push({ name: tensor.name, dims: tensor.dims, type: tensor.type, offset, byteSize });
    offset += byteSize;
  }
  return { placements, dataSize: offset };
}

// ---------------------------------------------------------------- byte encoding

/** Appends little-endian values to a growing buffer. */
class ByteWriter {
  private buffer = Buffer.alloc(64 * 1024);
  length = 0;

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const next = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  zeros(count: number): void {
    this.reserve(count);
    this.buffer.fill(0, this.length, this.length + count);
    this.length += count;
  }

  u8(v: number): void {
    this.reserve(1);
    this.buffer.writeUInt8(v, this.length);
    this.length += 1;
  }
  i8(v: number): void {
    this.reserve(1);
    this.buffer.writeInt8(v, this.length);
    this.length += 1;
  }
  u16(v: number): void {
    this.reserve(2);
    this.buffer.writeUInt16LE(v, this.length);
    this.length += 2;
  }
  i16(v: number): void {
    this.reserve(2);
    this.buffer.writeInt16LE(v, this.length);
    this.length += 2;
  }
  u32(v: number): void {
    this.reserve(4);
    this.buffer.writeUInt32LE(v, this.length);
    this.length += 4;
  }
  i32(v: number): void {
    this.reserve(4);
    this.buffer.writeInt32LE(v, this.length);
    this.length += 4;
  }
  u64(v: bigint | number): void {
    this.reserve(8);
    this.buffer.writeBigUInt64LE(BigInt(v), this.length);
    this.length += 8;
  }
  i64(v: bigint | number): void {
    this.reserve(8);
    this.buffer.writeBigInt64LE(BigInt(v), this.length);
    this.length += 8;
  }
  f32(v: number): void {
    this.reserve(4);
    this.buffer.writeFloatLE(v, this.length);
    this.length += 4;
  }
  f64(v: number): void {
    this.reserve(8);
    this.buffer.writeDoubleLE(v, this.length);
    this.length += 8;
  }

  string(v: string): void {
    const encoded = Buffer.from(v, "utf8");
    this.u64(encoded.length);
    this.bytes(encoded);
  }

  result(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

function writeScalar(out: ByteWriter, type: GgufScalarType, value: GgufScalar, key: string): void {
  const fail = (): never => {
    throw new TypeError(`GGUF metadata "${key}": ${typeof value} value ${String(value)} is not a valid ${type}`);
  };
  if (type === "string") return typeof value === "string" ? out.string(value) : fail();
  if (type === "bool") return typeof value === "boolean" ? out.u8(value ? 1 : 0) : fail();
  if (type === "u64" || type === "i64") {
    if (typeof value !== "bigint" && !(typeof value === "number" && Number.isInteger(value))) fail();
    return out[type](value as bigint | number);
  }
  if (typeof value !== "number") return fail();
  if (type !== "f32" && type !== "f64" && !Number.isInteger(value)) fail();
  out[type](value);
}

function writeValue(out: ByteWriter, key: string, entry: GgufMetadataValue): void {
  out.u32(GGUF_VALUE_TYPE[entry.type]);
  if (entry.type === "array") {
    out.u32(GGUF_VALUE_TYPE[entry.itemType]);
    out.u64(entry.value.length);
    for (const item of entry.value) writeScalar(out, entry.itemType, item, key);
    return;
  }
  writeScalar(out, entry.type, entry.value, key);
}

/**
 * The header for tensors already placed (see placeTensors): magic, version, counts, metadata and
 * tensor infos, padded to the file's alignment so the data section starts right after it.
 */
export function encodeGgufHeaderWithPlacements(metadata: GgufMetadata, placements: readonly GgufTensorPlacement[]): Buffer {
  const out = new ByteWriter();
  out.bytes(Buffer.from(GGUF_MAGIC, "latin1"));
  out.u32(GGUF_VERSION);
  out.u64(placements.length);
  out.u64(Object.keys(metadata).length);
  for (const [key, entry] of Object.entries(metadata)) {
    out.string(key);
    writeValue(out, key, entry);
  }
  for (const tensor of placements) {
    out.string(tensor.name);
    out.u32(tensor.dims.length);
    for (const dim of tensor.dims) out.u64(dim);
    out.u32(ggmlTypeId(tensor.type));
    out.u64(tensor.offset);
  }
  out.zeros(alignUp(out.length, ggufAlignment(metadata)) - out.length);
  return out.result();
}

/**
 * Encodes only the header (metadata and tensor infos, no tensor data), padded to the alignment so
 * that the tensor data section would start exactly at its end. node-llama-cpp's GgufInsights can
 * estimate memory from such a file; without the padding its estimate silently degrades.
 */
export function encodeGgufHeader(metadata: GgufMetadata, tensors: readonly GgufTensorInfo[]): Buffer {
  const { placements } = placeTensors(tensors, ggufAlignment(metadata));
  return encodeGgufHeaderWithPlacements(metadata, placements);
}
