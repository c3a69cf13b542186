// A small GGUF v3 writer: typed metadata, tensors in F32 / F16 / Q8_0, streamed to disk.
// Used to generate test models and metadata-only files for memory estimates.
// Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
import { open, rename, rm } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { ggmlTypeId, tensorByteSize } from "./ggml-types.js";
import type { GgmlTypeName } from "./ggml-types.js";

export { tensorByteSize } from "./ggml-types.js";
export type { GgmlTypeName } from "./ggml-types.js";

export const GGUF_MAGIC = "GGUF";
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;

// ---------------------------------------------------------------- metadata values

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

export type GgufNumberType = "u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "f32" | "f64";
export type GgufBigIntType = "u64" | "i64";
export type GgufScalarType = GgufNumberType | GgufBigIntType | "bool" | "string";
export type GgufScalar = number | bigint | boolean | string;

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

// ---------------------------------------------------------------- tensors

/** Types this writer can encode from float values. */
export type GgufWritableTensorType = "F32" | "F16" | "Q8_0";

/**
 * Tensor data: one Float32Array, or chunks produced lazily (so a large model is never held whole in
 * memory), or bytes already in the tensor's encoding. Values are in ggml order: dims[0] varies fastest.
 * For Q8_0 each chunk's length must be a multiple of 32.
 */
export type GgufTensorData = Float32Array | (() => Iterable<Float32Array>) | { readonly encoded: Uint8Array };

export interface GgufTensor {
  readonly name: string;
  /** ggml order: dims[0] is the row length. */
  readonly dims: readonly number[];
  readonly type: GgufWritableTensorType;
  readonly data: GgufTensorData;
}

/** A tensor described without its data, for header-only files. Any ggml type is allowed. */
export interface GgufTensorInfo {
  readonly name: string;
  readonly dims: readonly number[];
  readonly type: GgmlTypeName;
}

export interface GgufWriteOptions {
  /** Deliberately broken layouts for test files; never use for real files. */
  readonly unsafe?: {
    /** Write tensors back to back instead of padding each one to the alignment. */
    readonly packTensorData?: boolean;
    /** Write this instead of "GGUF". */
    readonly magic?: string;
  };
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

  u8(v: number): void { this.reserve(1); this.buffer.writeUInt8(v, this.length); this.length += 1; }
  i8(v: number): void { this.reserve(1); this.buffer.writeInt8(v, this.length); this.length += 1; }
  u16(v: number): void { this.reserve(2); this.buffer.writeUInt16LE(v, this.length); this.length += 2; }
  i16(v: number): void { this.reserve(2); this.buffer.writeInt16LE(v, this.length); this.length += 2; }
  u32(v: number): void { this.reserve(4); this.buffer.writeUInt32LE(v, this.length); this.length += 4; }
  i32(v: number): void { this.reserve(4); this.buffer.writeInt32LE(v, this.length); this.length += 4; }
  u64(v: bigint | number): void { this.reserve(8); this.buffer.writeBigUInt64LE(BigInt(v), this.length); this.length += 8; }
  i64(v: bigint | number): void { this.reserve(8); this.buffer.writeBigInt64LE(BigInt(v), this.length); this.length += 8; }
  f32(v: number): void { this.reserve(4); this.buffer.writeFloatLE(v, this.length); this.length += 4; }
  f64(v: number): void { this.reserve(8); this.buffer.writeDoubleLE(v, this.length); this.length += 8; }

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

function alignUp(offset: number, alignment: number): number {
  return Math.ceil(offset / alignment) * alignment;
}

function alignmentOf(metadata: GgufMetadata): number {
  const declared = metadata["general.alignment"];
  if (declared === undefined) return GGUF_DEFAULT_ALIGNMENT;
  if (declared.type !== "u32" || declared.value <= 0 || declared.value % 8 !== 0) {
    throw new TypeError("general.alignment must be a u32 multiple of 8");
  }
  return declared.value;
}

interface LaidOutTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly typeId: number;
  readonly offset: number;
  readonly byteSize: number;
}

/** Lays tensors out in the data section: each starts at a multiple of the alignment. */
function layOut(tensors: readonly { name: string; dims: readonly number[]; type: GgmlTypeName }[], alignment: number, packed: boolean) {
  let offset = 0;
  const laidOut: LaidOutTensor[] = [];
  const names = new Set<string>();
  for (const tensor of tensors) {
    if (names.has(tensor.name)) throw new Error(`Tensor "${tensor.name}" appears twice`);
    names.add(tensor.name);
    if (!packed) offset = alignUp(offset, alignment);
    const byteSize = tensorByteSize(tensor.type, tensor.dims);
    laidOut.push({ name: tensor.name, dims: tensor.dims, typeId: ggmlTypeId(tensor.type), offset, byteSize });
    offset += byteSize;
  }
  return { laidOut, dataSize: offset };
}

/** Header: magic, version, counts, metadata and tensor infos, padded to the alignment. */
function encodeHeader(metadata: GgufMetadata, laidOut: readonly LaidOutTensor[], alignment: number, magic: string): Buffer {
  const out = new ByteWriter();
  out.bytes(Buffer.from(magic, "latin1"));
  out.u32(GGUF_VERSION);
  out.u64(laidOut.length);
  out.u64(Object.keys(metadata).length);
  for (const [key, entry] of Object.entries(metadata)) {
    out.string(key);
    writeValue(out, key, entry);
  }
  for (const tensor of laidOut) {
    out.string(tensor.name);
    out.u32(tensor.dims.length);
    for (const dim of tensor.dims) out.u64(dim);
    out.u32(tensor.typeId);
    out.u64(tensor.offset);
  }
  out.zeros(alignUp(out.length, alignment) - out.length);
  return out.result();
}

// ---------------------------------------------------------------- float encodings

const f32View = new Float32Array(1);
const u32View = new Uint32Array(f32View.buffer);

/** Rounds a float32 to IEEE half precision (round to nearest even), returning the 16 bits. */
export function float32ToFloat16Bits(value: number): number {
  f32View[0] = value;
  const x = u32View[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // Inf / NaN
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00; // overflow to Inf
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign; // too small: signed zero
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    let half = mantissa >>> shift;
    const remainder = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (remainder > halfway || (remainder === halfway && (half & 1))) half += 1;
    return sign | half;
  }
  let half = (halfExponent << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  if (remainder > 0x1000 || (remainder === 0x1000 && (half & 1))) half += 1; // may carry into the exponent: still correct
  return sign | half;
}

function encodeF32(values: Float32Array): Uint8Array {
  const copy = new Float32Array(values); // own, aligned buffer; the host is little-endian
  return new Uint8Array(copy.buffer);
}

function encodeF16(values: Float32Array): Uint8Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i]!);
  return new Uint8Array(out.buffer);
}

/** Q8_0: blocks of 32 values as an f16 scale and 32 int8 quants (ggml's reference quantizer). */
function encodeQ8_0(values: Float32Array): Uint8Array {
  if (values.length % 32 !== 0) throw new Error("Q8_0 data chunks must hold a multiple of 32 values");
  const blocks = values.length / 32;
  const out = Buffer.alloc(blocks * 34);
  for (let block = 0; block < blocks; block++) {
    const start = block * 32;
    let absMax = 0;
    for (let i = 0; i < 32; i++) absMax = Math.max(absMax, Math.abs(values[start + i]!));
    const scale = absMax / 127;
    const inverse = scale ? 1 / scale : 0;
    const at = block * 34;
    out.writeUInt16LE(float32ToFloat16Bits(scale), at);
    for (let i = 0; i < 32; i++) out.writeInt8(Math.round(values[start + i]! * inverse), at + 2 + i);
  }
  return out;
}

function encoderFor(type: GgufWritableTensorType): (values: Float32Array) => Uint8Array {
  return type === "F32" ? encodeF32 : type === "F16" ? encodeF16 : encodeQ8_0;
}

// ---------------------------------------------------------------- streaming to disk

/** Buffers small writes into large sequential ones. */
class FileSink {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  written = 0;

  constructor(private readonly file: FileHandle, private readonly flushAt = 4 * 1024 * 1024) {}

  async write(data: Uint8Array): Promise<void> {
    this.pending.push(data);
    this.pendingBytes += data.length;
    this.written += data.length;
    if (this.pendingBytes >= this.flushAt) await this.flush();
  }

  async zeros(count: number): Promise<void> {
    if (count > 0) await this.write(new Uint8Array(count));
  }

  async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const chunk = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    await this.file.write(chunk);
  }
}

/** Writes to `<path>.<pid>.<random>.tmp` and renames into place, so readers never see a partial file. */
async function writeAtomically(path: string, body: (sink: FileSink) => Promise<void>): Promise<void> {
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const file = await open(temporary, "w");
  try {
    const sink = new FileSink(file);
    await body(sink);
    await sink.flush();
    await file.close();
    await rename(temporary, path);
  } catch (error) {
    await file.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
}

async function writeTensorData(sink: FileSink, tensor: GgufTensor, expectedBytes: number): Promise<void> {
  let written = 0;
  const emit = async (bytes: Uint8Array) => {
    written += bytes.length;
    await sink.write(bytes);
  };
  const data = tensor.data;
  if (data instanceof Float32Array) await emit(encoderFor(tensor.type)(data));
  else if (typeof data === "function") {
    const encode = encoderFor(tensor.type);
    for (const chunk of data()) await emit(encode(chunk));
  } else await emit(data.encoded);
  if (written !== expectedBytes) {
    throw new Error(`Tensor "${tensor.name}": got ${written} bytes of data, its shape needs ${expectedBytes}`);
  }
}

/** Writes a complete GGUF v3 file. Tensor data is encoded and written one chunk at a time. */
export async function writeGgufFile(
  path: string,
  contents: { readonly metadata: GgufMetadata; readonly tensors: readonly GgufTensor[] },
  options: GgufWriteOptions = {},
): Promise<void> {
  const alignment = alignmentOf(contents.metadata);
  const packed = options.unsafe?.packTensorData ?? false;
  const { laidOut } = layOut(contents.tensors, alignment, packed);
  const header = encodeHeader(contents.metadata, laidOut, alignment, options.unsafe?.magic ?? GGUF_MAGIC);
  await writeAtomically(path, async (sink) => {
    await sink.write(header);
    const dataStart = sink.written;
    for (const [index, tensor] of contents.tensors.entries()) {
      const layout = laidOut[index]!;
      await sink.zeros(dataStart + layout.offset - sink.written);
      await writeTensorData(sink, tensor, layout.byteSize);
    }
    if (!packed) await sink.zeros(alignUp(sink.written, alignment) - sink.written);
  });
}

/**
 * Encodes only the header (metadata and tensor infos, no tensor data), padded to the alignment so
 * that the tensor data section would start exactly at its end. node-llama-cpp's GgufInsights can
 * estimate memory from such a file; without the padding its estimate silently degrades.
 */
export function encodeGgufHeader(metadata: GgufMetadata, tensors: readonly GgufTensorInfo[]): Buffer {
  const alignment = alignmentOf(metadata);
  const { laidOut } = layOut(tensors, alignment, false);
  return encodeHeader(metadata, laidOut, alignment, GGUF_MAGIC);
}

/** Writes a metadata-only GGUF file (see encodeGgufHeader). */
export async function writeGgufHeaderOnlyFile(
  path: string,
  contents: { readonly metadata: GgufMetadata; readonly tensors: readonly GgufTensorInfo[] },
): Promise<void> {
  const header = encodeGgufHeader(contents.metadata, contents.tensors);
  await writeAtomically(path, (sink) => sink.write(header));
}

/** The total size a full file with these tensors would have (header plus aligned data). */
export function ggufFileSize(metadata: GgufMetadata, tensors: readonly GgufTensorInfo[]): number {
  const alignment = alignmentOf(metadata);
  const { dataSize } = layOut(tensors, alignment, false);
  return encodeGgufHeader(metadata, tensors).length + alignUp(dataSize, alignment);
}

export { ggmlTypeByName, ggmlTypeName } from "./ggml-types.js";
