// Reads a GGUF header (metadata with each value's type, and tensor infos) without trusting it:
// every count and length is checked against sane limits and the bytes actually present, and any
// problem becomes a GgufReadError with a reason a person can read.
import { open } from "node:fs/promises";
import { GGUF_DEFAULT_ALIGNMENT, GGUF_VALUE_TYPE, type GgufScalar } from "./gguf-format.js";

export type GgufReadProblem = "unreadable" | "not-gguf" | "unsupported-version" | "truncated" | "corrupt-header";

export class GgufReadError extends Error {
  constructor(
    readonly problem: GgufReadProblem,
    message: string,
  ) {
    super(message);
    this.name = "GgufReadError";
  }
}

export type GgufValueTypeName = keyof typeof GGUF_VALUE_TYPE;

export interface GgufReadValue {
  readonly type: GgufValueTypeName;
  /** For arrays: the type of the items. */
  readonly itemType?: GgufValueTypeName;
  readonly value: GgufScalar | readonly GgufScalar[];
}

export interface GgufReadTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly typeId: number;
  /** Offset from the start of the data section. */
  readonly offset: number;
}

export interface GgufHeader {
  readonly version: number;
  readonly metadata: ReadonlyMap<string, GgufReadValue>;
  readonly tensors: readonly GgufReadTensor[];
  readonly alignment: number;
  /** Where the tensor data section starts in the file. */
  readonly dataOffset: number;
  readonly fileSize: number;
}

const TYPE_NAMES = new Map<number, GgufValueTypeName>(Object.entries(GGUF_VALUE_TYPE).map(([name, id]) => [id, name as GgufValueTypeName]));

export const GGUF_LIMITS = {
  tensors: 1_000_000,
  metadataKeys: 100_000,
  stringBytes: 64 * 1024 * 1024,
  /**
   * Across the whole header: real tokenizers have about 150k entries in each of a few arrays
   * (tokens, scores, types, merges), so a few million items and strings are far beyond any model.
   */
  totalArrayItems: 4_000_000,
  totalStringBytes: 128 * 1024 * 1024,
  dims: 4,
  /** Headers are a few MiB even for large vocabularies; beyond this something is wrong. */
  headerBytes: 256 * 1024 * 1024,
};
const LIMITS = GGUF_LIMITS;

/** Thrown while parsing when the bytes read so far end before the header does. */
class NeedMoreBytes extends Error {}

class Cursor {
  offset = 0;
  /** Running totals over the whole header, checked against the totals in LIMITS. */
  arrayItems = 0;
  stringBytes = 0;
  constructor(
    private readonly bytes: Buffer,
    private readonly isWholeFile: boolean,
  ) {}

  private take(length: number): number {
    if (this.offset + length > this.bytes.length) {
      if (this.isWholeFile) throw new GgufReadError("truncated", "The file ends in the middle of its header: it is truncated (an interrupted download?).");
      throw new NeedMoreBytes();
    }
    const at = this.offset;
    this.offset += length;
    return at;
  }

  u8(): number {
    return this.bytes.readUInt8(this.take(1));
  }
  i8(): number {
    return this.bytes.readInt8(this.take(1));
  }
  u16(): number {
    return this.bytes.readUInt16LE(this.take(2));
  }
  i16(): number {
    return this.bytes.readInt16LE(this.take(2));
  }
  u32(): number {
    return this.bytes.readUInt32LE(this.take(4));
  }
  i32(): number {
    return this.bytes.readInt32LE(this.take(4));
  }
  f32(): number {
    return this.bytes.readFloatLE(this.take(4));
  }
  f64(): number {
    return this.bytes.readDoubleLE(this.take(8));
  }
  u64(): bigint {
    return this.bytes.readBigUInt64LE(this.take(8));
  }
  i64(): bigint {
    return this.bytes.readBigInt64LE(this.take(8));
  }

  /** A u64 count that must fit a limit (a corrupt header often has absurd counts). */
  count(what: string, limit: number): number {
    const value = this.u64();
    if (value > BigInt(limit))
      throw new GgufReadError("corrupt-header", `The header claims ${value} ${what}, more than any real model has: the header is corrupt.`);
    return Number(value);
  }

  string(what: string): string {
    const length = this.count(`bytes in ${what}`, LIMITS.stringBytes);
    this.stringBytes += length;
    if (this.stringBytes > LIMITS.totalStringBytes)
      throw new GgufReadError(
        "corrupt-header",
        `The header holds more than ${LIMITS.totalStringBytes} bytes of text, more than any real model has: the header is corrupt.`,
      );
    const at = this.take(length);
    return this.bytes.toString("utf8", at, at + length);
  }
}

function readScalar(cursor: Cursor, type: GgufValueTypeName, key: string): GgufScalar {
  switch (type) {
    case "u8":
      return cursor.u8();
    case "i8":
      return cursor.i8();
    case "u16":
      return cursor.u16();
    case "i16":
      return cursor.i16();
    case "u32":
      return cursor.u32();
    case "i32":
      return cursor.i32();
    case "f32":
      return cursor.f32();
    case "f64":
      return cursor.f64();
    case "u64":
      return cursor.u64();
    case "i64":
      return cursor.i64();
    case "bool": {
      const value = cursor.u8();
      if (value > 1) throw new GgufReadError("corrupt-header", `Metadata "${key}" holds ${value}, which is not a boolean.`);
      return value === 1;
    }
    case "string":
      return cursor.string(`the value of "${key}"`);
    case "array":
      throw new GgufReadError("corrupt-header", `Metadata "${key}" nests arrays, which this reader does not support.`);
  }
}

function valueType(id: number, key: string): GgufValueTypeName {
  const type = TYPE_NAMES.get(id);
  if (type === undefined)
    throw new GgufReadError("corrupt-header", `Metadata "${key}" has value type ${id}, which GGUF does not define: the header is corrupt.`);
  return type;
}

function alignUp(offset: number, alignment: number): number {
  return Math.ceil(offset / alignment) * alignment;
}

function parse(bytes: Buffer, isWholeFile: boolean, fileSize: number): GgufHeader {
  const cursor = new Cursor(bytes, isWholeFile);
  if (bytes.length < 4 || bytes.toString("latin1", 0, 4) !== "GGUF") {
    const start = bytes.subarray(0, 16).toString("latin1").trimStart().toLowerCase();
    const looksLike =
      start.startsWith("<!doctype") || start.startsWith("<html")
        ? " (it looks like a web page, perhaps an error page saved in its place)"
        : start.startsWith("{")
          ? " (it looks like JSON)"
          : "";
    throw new GgufReadError("not-gguf", `This is not a GGUF model file: it does not start with "GGUF"${looksLike}.`);
  }
  cursor.offset = 4;
  const version = cursor.u32();
  if (version !== 2 && version !== 3) {
    throw new GgufReadError("unsupported-version", `GGUF version ${version} is not supported (only versions 2 and 3 are).`);
  }
  const tensorCount = cursor.count("tensors", LIMITS.tensors);
  const keyCount = cursor.count("metadata keys", LIMITS.metadataKeys);
  const metadata = new Map<string, GgufReadValue>();
  for (let i = 0; i < keyCount; i++) {
    const key = cursor.string("a metadata key");
    if (metadata.has(key)) throw new GgufReadError("corrupt-header", `Metadata key "${key}" appears twice.`);
    const type = valueType(cursor.u32(), key);
    if (type === "array") {
      const itemType = valueType(cursor.u32(), key);
      const length = cursor.count(`items in "${key}"`, LIMITS.totalArrayItems - cursor.arrayItems);
      cursor.arrayItems += length;
      const items: GgufScalar[] = new Array(length);
      for (let item = 0; item < length; item++) items[item] = readScalar(cursor, itemType, key);
      metadata.set(key, { type, itemType, value: items });
    } else metadata.set(key, { type, value: readScalar(cursor, type, key) });
  }
  const tensors: GgufReadTensor[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = cursor.string("a tensor name");
    const dimCount = cursor.u32();
    if (dimCount < 1 || dimCount > LIMITS.dims)
      throw new GgufReadError("corrupt-header", `Tensor "${name}" claims ${dimCount} dimensions: the header is corrupt.`);
    const dims: number[] = [];
    for (let d = 0; d < dimCount; d++) {
      const dim = cursor.u64();
      if (dim < 1n || dim > BigInt(Number.MAX_SAFE_INTEGER))
        throw new GgufReadError("corrupt-header", `Tensor "${name}" has a dimension of ${dim}: the header is corrupt.`);
      dims.push(Number(dim));
    }
    const typeId = cursor.u32();
    const offset = cursor.u64();
    if (offset > BigInt(Number.MAX_SAFE_INTEGER))
      throw new GgufReadError("corrupt-header", `Tensor "${name}" has an impossible data offset: the header is corrupt.`);
    tensors.push({ name, dims, typeId, offset: Number(offset) });
  }
  const declaredAlignment = metadata.get("general.alignment");
  let alignment = GGUF_DEFAULT_ALIGNMENT;
  if (declaredAlignment !== undefined) {
    const value = declaredAlignment.value;
    if (declaredAlignment.type !== "u32" || typeof value !== "number" || value === 0 || (value & (value - 1)) !== 0) {
      throw new GgufReadError("corrupt-header", "general.alignment must be a u32 power of two.");
    }
    alignment = value;
  }
  return { version, metadata, tensors, alignment, dataOffset: alignUp(cursor.offset, alignment), fileSize };
}

/** Reads and checks the header of a GGUF file, reading only as much of the file as the header needs. */
export async function readGgufHeader(path: string): Promise<GgufHeader> {
  let file;
  try {
    file = await open(path, "r");
  } catch (error) {
    throw new GgufReadError("unreadable", `The file cannot be opened: ${(error as Error).message}`);
  }
  try {
    const { size } = await file.stat();
    if (size === 0) throw new GgufReadError("not-gguf", "The file is empty.");
    // Grows the read until the header fits, never past the header limit (it stops there, before allocating more).
    for (let length = Math.min(size, 1024 * 1024); ; length = Math.min(size, length * 4, LIMITS.headerBytes)) {
      const bytes = Buffer.alloc(length);
      const { bytesRead } = await file.read(bytes, 0, length, 0);
      const isWholeFile = bytesRead >= size;
      try {
        return parse(bytes.subarray(0, bytesRead), isWholeFile, size);
      } catch (error) {
        if (!(error instanceof NeedMoreBytes)) throw error;
        if (length >= LIMITS.headerBytes) throw new GgufReadError("corrupt-header", "The header is larger than any real model's: the file is corrupt.");
      }
    }
  } finally {
    await file.close();
  }
}
