// Whole GGUF v3 files for tests and fixtures: the header encoder (header-writer.ts) followed by tensor data
// in F32 / F16 / Q8_0, streamed to disk, with knobs for writing deliberately broken files.
import {
  GGUF_MAGIC,
  alignUp,
  encodeGgufHeader,
  encodeGgufHeaderWithPlacements,
  ggufAlignment,
  placeTensors,
  type GgufMetadata,
  type GgufTensorInfo,
} from "./header-writer.js";
import { writeThroughSink, type FileSink } from "./file-sink.js";
import { tensorEncoderFor, type GgufWritableTensorType } from "./quant-encoders.js";

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

export interface GgufWriteOptions {
  /** Deliberately broken layouts for test files; never use for real files. */
  readonly unsafe?: {
    /** Write tensors back to back instead of padding each one to the alignment. */
    readonly packTensorData?: boolean;
    /** Write these 4 bytes instead of "GGUF". */
    readonly magic?: string;
  };
}

/** The header with its first four bytes replaced: a file no reader should accept as GGUF. */
function withMagic(header: Buffer, magic: string): Buffer {
  const bytes = Buffer.from(magic, "latin1");
  if (bytes.length !== GGUF_MAGIC.length) throw new Error(`A replacement magic must be ${GGUF_MAGIC.length} bytes, not "${magic}"`);
  return Buffer.concat([bytes, header.subarray(GGUF_MAGIC.length)]);
}

async function writeTensorData(sink: FileSink, tensor: GgufTensor, expectedBytes: number): Promise<void> {
  let written = 0;
  const emit = async (bytes: Uint8Array) => {
    written += bytes.length;
    await sink.write(bytes);
  };
  const data = tensor.data;
  if (data instanceof Float32Array) await emit(tensorEncoderFor(tensor.type)(data));
  else if (typeof data === "function") {
    const encode = tensorEncoderFor(tensor.type);
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
  const alignment = ggufAlignment(contents.metadata);
  const packed = options.unsafe?.packTensorData ?? false;
  // Packed: each tensor starts where the previous ends (alignment 1); the header stays padded.
  const { placements } = placeTensors(contents.tensors, packed ? 1 : alignment);
  const header = encodeGgufHeaderWithPlacements(contents.metadata, placements);
  const magic = options.unsafe?.magic;
  await writeThroughSink(path, async (sink) => {
    await sink.write(magic === undefined ? header : withMagic(header, magic));
    const dataStart = sink.written;
    for (const [index, tensor] of contents.tensors.entries()) {
      const placement = placements[index]!;
      await sink.zeros(dataStart + placement.offset - sink.written);
      await writeTensorData(sink, tensor, placement.byteSize);
    }
    if (!packed) await sink.zeros(alignUp(sink.written, alignment) - sink.written);
  });
}

/** Writes a metadata-only GGUF file (see encodeGgufHeader in header-writer.ts). */
export async function writeGgufHeaderOnlyFile(
  path: string,
  contents: { readonly metadata: GgufMetadata; readonly tensors: readonly GgufTensorInfo[] },
): Promise<void> {
  const header = encodeGgufHeader(contents.metadata, contents.tensors);
  await writeThroughSink(path, (sink) => sink.write(header));
}

/** The total size a full file with these tensors would have (header plus aligned data). */
export function ggufFileSize(metadata: GgufMetadata, tensors: readonly GgufTensorInfo[]): number {
  const alignment = ggufAlignment(metadata);
  const { dataSize } = placeTensors(tensors, alignment);
  return encodeGgufHeader(metadata, tensors).length + alignUp(dataSize, alignment);
}
