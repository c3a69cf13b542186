// Checks a GGUF model file before llama.cpp sees it. llama.cpp trusts its input: some malformed
// files make it abort the whole process (missing feed_forward_length or attention.head_count,
// duplicate token texts), others fail later with obscure errors. Each problem found here is
// reported with a reason a person can read, and good files come back with the facts the app shows.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { parseSplitFileName } from "./split-names.js";
import { GGML_TYPES, ggmlTypeName, tensorByteSize } from "./ggml-types.js";
import type { GgmlTypeName } from "./ggml-types.js";
import { readGgufHeaderOffThread } from "./read-off-thread.js";
import { GgufReadError } from "./reader.js";
import type { GgufHeader, GgufReadProblem, GgufReadValue, GgufValueTypeName } from "./reader.js";

/** Architectures of the DeepSeek-R1 family: the Qwen and Llama distills, R1-0528-Qwen3, and R1 itself. */
export const SUPPORTED_ARCHITECTURES = ["qwen2", "llama", "qwen3", "deepseek2"] as const;
export type SupportedArchitecture = (typeof SUPPORTED_ARCHITECTURES)[number];

export type GgufProblem =
  | GgufReadProblem
  | "missing-architecture"
  | "unsupported-architecture"
  | "missing-key"
  | "wrong-key-type"
  | "duplicate-tokens"
  | "unknown-tensor-type"
  | "misaligned"
  | "split-incomplete";

export interface GgufSplitInfo {
  /** 1-based part number. */
  readonly part: number;
  readonly count: number;
}

export interface GgufFacts {
  readonly architecture: string;
  readonly name?: string;
  readonly blockCount: number;
  readonly contextLength: number;
  readonly embeddingLength: number;
  readonly feedForwardLength: number;
  readonly headCount: number;
  readonly headCountKv: number;
  /** llama.cpp's general.file_type, as a name (e.g. "Q8_0", "Q4_K_M") when known. */
  readonly fileType?: string;
  /** The ggml type holding most of the weights (e.g. "Q8_0"). */
  readonly dominantTensorType?: GgmlTypeName;
  readonly tensorCount: number;
  readonly parameterCount: number;
  /** Bytes of all parts together. */
  readonly fileSize: number;
  readonly vocabularySize: number;
  readonly tokenizerModel: string;
  readonly tokenizerPre?: string;
  readonly hasChatTemplate: boolean;
  readonly chatTemplate?: string;
  readonly split?: GgufSplitInfo;
  /** All files of the model, in part order (one unless split). */
  readonly parts: readonly string[];
}

export type GgufValidation =
  | { readonly ok: true; readonly facts: GgufFacts; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly problem: GgufProblem; readonly reason: string; readonly file: string };

class ValidationFailure extends Error {
  constructor(
    readonly problem: GgufProblem,
    message: string,
    readonly file?: string,
  ) {
    super(message);
  }
}

// llama.cpp's LLAMA_FTYPE names for general.file_type.
const FILE_TYPES: Record<number, string> = {
  0: "F32",
  1: "F16",
  2: "Q4_0",
  3: "Q4_1",
  7: "Q8_0",
  8: "Q5_0",
  9: "Q5_1",
  10: "Q2_K",
  11: "Q3_K_S",
  12: "Q3_K_M",
  13: "Q3_K_L",
  14: "Q4_K_S",
  15: "Q4_K_M",
  16: "Q5_K_S",
  17: "Q5_K_M",
  18: "Q6_K",
  19: "IQ2_XXS",
  20: "IQ2_XS",
  21: "Q2_K_S",
  22: "IQ3_XS",
  23: "IQ3_XXS",
  24: "IQ1_S",
  25: "IQ4_NL",
  26: "IQ3_S",
  27: "IQ3_M",
  28: "IQ2_S",
  29: "IQ2_M",
  30: "IQ4_XS",
  31: "IQ1_M",
  32: "BF16",
  36: "TQ1_0",
  37: "TQ2_0",
  38: "MXFP4_MOE",
};

/** A stored type: a scalar type, "array" (of anything) or "array of <type>". */
type KeyType = GgufValueTypeName | `array of ${GgufValueTypeName}`;

/** Reads a key and checks its type; `types` lists what llama.cpp accepts for it. */
function key(header: GgufHeader, name: string, types: readonly KeyType[], options: { required: boolean; why?: string }) {
  const entry = header.metadata.get(name);
  if (entry === undefined) {
    if (options.required) throw new ValidationFailure("missing-key", `Required metadata "${name}" is missing${options.why ? ` (${options.why})` : ""}.`);
    return undefined;
  }
  const typeName = entry.type === "array" ? `array of ${entry.itemType}` : entry.type;
  const accepted = types.some((type) => type === typeName || (type === "array" && entry.type === "array"));
  if (!accepted) {
    throw new ValidationFailure("wrong-key-type", `Metadata "${name}" is stored as ${typeName}, but llama.cpp reads it as ${types.join(" or ")}.`);
  }
  return entry;
}

/** A number, or for per-layer arrays their largest value. */
function numberOf(entry: GgufReadValue | undefined): number | undefined {
  if (entry === undefined) return undefined;
  if (Array.isArray(entry.value)) return Math.max(0, ...entry.value.map(Number));
  return Number(entry.value);
}

function stringOf(entry: GgufReadValue | undefined): string | undefined {
  return typeof entry?.value === "string" ? entry.value : undefined;
}

async function readHeader(file: string): Promise<GgufHeader> {
  try {
    return await readGgufHeaderOffThread(file);
  } catch (error) {
    if (error instanceof GgufReadError) throw new ValidationFailure(error.problem, error.message, file);
    throw error;
  }
}

/** Every tensor's data must start on the alignment grid and lie inside the file. */
function checkTensorData(header: GgufHeader, file: string): { parameters: number; bytesByType: Map<GgmlTypeName, number> } {
  let parameters = 0;
  const bytesByType = new Map<GgmlTypeName, number>();
  let end = header.dataOffset;
  for (const tensor of header.tensors) {
    const type = ggmlTypeName(tensor.typeId);
    if (type === undefined) {
      throw new ValidationFailure("unknown-tensor-type", `Tensor "${tensor.name}" uses ggml type ${tensor.typeId}, which this app does not know.`, file);
    }
    if (tensor.offset % header.alignment !== 0) {
      throw new ValidationFailure(
        "misaligned",
        `Tensor "${tensor.name}" starts at data offset ${tensor.offset}, which is not a multiple of the file's alignment (${header.alignment} bytes): the file is misaligned and llama.cpp cannot load it.`,
        file,
      );
    }
    let size: number;
    try {
      size = tensorByteSize(type, tensor.dims);
    } catch (error) {
      throw new ValidationFailure("corrupt-header", `Tensor "${tensor.name}": ${(error as Error).message}.`, file);
    }
    const tensorEnd = header.dataOffset + tensor.offset + size;
    if (tensorEnd > header.fileSize) {
      throw new ValidationFailure(
        "truncated",
        `The file is truncated: tensor "${tensor.name}" needs bytes up to ${tensorEnd}, but the file has only ${header.fileSize} (an interrupted download?).`,
        file,
      );
    }
    end = Math.max(end, tensorEnd);
    parameters += tensor.dims.reduce((a, b) => a * b, 1);
    bytesByType.set(type, (bytesByType.get(type) ?? 0) + size);
  }
  return { parameters, bytesByType };
}

function checkTokenizer(header: GgufHeader, warnings: string[]) {
  const model = stringOf(key(header, "tokenizer.ggml.model", ["string"], { required: true }))!;
  const tokensEntry = key(header, "tokenizer.ggml.tokens", ["array of string"], { required: true })!;
  const tokens = tokensEntry.value as readonly string[];
  if (tokens.length === 0) throw new ValidationFailure("missing-key", "The vocabulary (tokenizer.ggml.tokens) is empty.");
  key(header, "tokenizer.ggml.merges", ["array of string"], {
    required: model === "gpt2",
    why: "byte-level BPE tokenizers need their merges list, even if empty",
  });
  key(header, "tokenizer.ggml.scores", ["array of f32"], { required: false });
  const tokenTypes = key(header, "tokenizer.ggml.token_type", ["array of i32"], { required: false });
  if (tokenTypes === undefined) warnings.push("No token types (tokenizer.ggml.token_type): special tokens will be read as plain text.");
  else if ((tokenTypes.value as readonly number[]).length !== tokens.length) {
    throw new ValidationFailure(
      "corrupt-header",
      `tokenizer.ggml.token_type has ${(tokenTypes.value as readonly number[]).length} entries for ${tokens.length} tokens.`,
    );
  }
  const seen = new Map<string, number>();
  for (const [id, text] of tokens.entries()) {
    const earlier = seen.get(text);
    if (earlier !== undefined) {
      throw new ValidationFailure(
        "duplicate-tokens",
        `The vocabulary lists the token ${JSON.stringify(text)} twice (ids ${earlier} and ${id}); llama.cpp would abort on it.`,
      );
    }
    seen.set(text, id);
  }
  for (const idKey of ["bos_token_id", "eos_token_id", "padding_token_id", "unknown_token_id", "eot_token_id"]) {
    const entry = key(header, `tokenizer.ggml.${idKey}`, ["u32"], { required: false });
    if (entry !== undefined && Number(entry.value) >= tokens.length) {
      throw new ValidationFailure("corrupt-header", `tokenizer.ggml.${idKey} is ${String(entry.value)}, outside the vocabulary of ${tokens.length} tokens.`);
    }
  }
  const pre = stringOf(key(header, "tokenizer.ggml.pre", ["string"], { required: false }));
  if (model === "gpt2" && pre === undefined)
    warnings.push("No pre-tokenizer type (tokenizer.ggml.pre): llama.cpp falls back to a default and output quality may suffer.");
  const chatTemplate = stringOf(key(header, "tokenizer.chat_template", ["string"], { required: false }));
  return { model, vocabularySize: tokens.length, pre, chatTemplate };
}

function checkArchitecture(header: GgufHeader) {
  const architecture = stringOf(key(header, "general.architecture", ["string"], { required: false }));
  if (architecture === undefined) {
    throw new ValidationFailure("missing-architecture", 'The file does not say which model architecture it holds (no "general.architecture").');
  }
  if (!(SUPPORTED_ARCHITECTURES as readonly string[]).includes(architecture)) {
    throw new ValidationFailure(
      "unsupported-architecture",
      `The architecture "${architecture}" is not one of the DeepSeek-R1 family this app runs (${SUPPORTED_ARCHITECTURES.join(", ")}).`,
    );
  }
  const perLayer = ["u32", "array"] as const; // llama.cpp accepts one value or one per layer
  const aborts = "without it llama.cpp aborts the process";
  const u32 = (name: string, required: boolean, why?: string) => numberOf(key(header, `${architecture}.${name}`, ["u32"], { required, why }));
  const facts = {
    architecture,
    contextLength: u32("context_length", true)!,
    embeddingLength: u32("embedding_length", true)!,
    blockCount: u32("block_count", true)!,
    feedForwardLength: numberOf(key(header, `${architecture}.feed_forward_length`, perLayer, { required: true, why: aborts }))!,
    headCount: numberOf(key(header, `${architecture}.attention.head_count`, perLayer, { required: true, why: aborts }))!,
    headCountKv: numberOf(key(header, `${architecture}.attention.head_count_kv`, perLayer, { required: false })),
  };
  key(header, `${architecture}.attention.layer_norm_rms_epsilon`, ["f32"], { required: true });
  key(header, `${architecture}.rope.freq_base`, ["f32"], { required: false });
  const ropeDimensions = u32("rope.dimension_count", false);
  for (const [name, value] of Object.entries(facts)) {
    if (typeof value === "number" && !(value > 0))
      throw new ValidationFailure("corrupt-header", `${architecture} ${name} is ${value}, which no model can have.`);
  }
  const headCountKv = facts.headCountKv ?? facts.headCount;
  if (facts.embeddingLength % facts.headCount !== 0 && architecture !== "deepseek2" && architecture !== "qwen3") {
    throw new ValidationFailure("corrupt-header", `The embedding width ${facts.embeddingLength} does not divide into ${facts.headCount} attention heads.`);
  }
  if (facts.headCount % headCountKv !== 0) {
    throw new ValidationFailure("corrupt-header", `${facts.headCount} attention heads cannot be shared among ${headCountKv} key/value heads.`);
  }
  if (architecture === "llama" && ropeDimensions !== undefined && ropeDimensions !== facts.embeddingLength / facts.headCount) {
    throw new ValidationFailure(
      "corrupt-header",
      `llama.rope.dimension_count is ${ropeDimensions}, but the head size is ${facts.embeddingLength / facts.headCount}.`,
    );
  }
  return { ...facts, headCountKv };
}

/** Finds the parts of a split model; refuses when one is missing. */
async function splitParts(file: string): Promise<string[]> {
  const split = parseSplitFileName(file);
  if (!split) return [file];
  const directory = path.dirname(file);
  const present = new Set(await readdir(directory).catch(() => [] as string[]));
  const missing = split.partNames.filter((name) => !present.has(name));
  if (missing.length > 0) {
    throw new ValidationFailure(
      "split-incomplete",
      `This model is split into ${split.count} files and ${missing.length === 1 ? "one is" : `${missing.length} are`} missing: ${missing.join(", ")}.`,
      file,
    );
  }
  return split.partNames.map((name) => path.join(directory, name));
}

function checkSplitKeys(headers: readonly GgufHeader[], parts: readonly string[]): GgufSplitInfo | undefined {
  if (parts.length === 1) {
    const count = numberOf(headers[0]!.metadata.get("split.count"));
    if (count !== undefined && count > 1) {
      throw new ValidationFailure(
        "split-incomplete",
        `This file is part of a model split into ${count} files, but its name does not say which part it is.`,
        parts[0],
      );
    }
    return undefined;
  }
  headers.forEach((header, index) => {
    const partNumber = numberOf(key(header, "split.no", ["u16"], { required: true }));
    const count = numberOf(key(header, "split.count", ["u16"], { required: true }));
    if (partNumber !== index || count !== parts.length) {
      throw new ValidationFailure(
        "split-incomplete",
        `${path.basename(parts[index]!)} says it is part ${Number(partNumber) + 1} of ${count}, which does not match its name.`,
        parts[index],
      );
    }
  });
  const declared = numberOf(key(headers[0]!, "split.tensors.count", ["i32", "u32"], { required: true }));
  const total = headers.reduce((sum, header) => sum + header.tensors.length, 0);
  if (declared !== total) {
    throw new ValidationFailure("split-incomplete", `The parts hold ${total} tensors together, but the first part says there are ${declared}.`, parts[0]);
  }
  return { part: 1, count: parts.length };
}

/** Validates a model given as its first file (or any part of a split set, which validates the whole set). */
export async function validateGgufFile(file: string): Promise<GgufValidation> {
  const parts = await splitParts(path.resolve(file)).catch((error: unknown) => error);
  if (!Array.isArray(parts)) return failure(parts, file);
  return validateGgufParts(parts);
}

/** Validates a model made of these files, in part order (one file, or every part of a split set). */
export async function validateGgufParts(parts: readonly string[]): Promise<GgufValidation> {
  let current = parts[0] ?? "";
  try {
    const headers: GgufHeader[] = [];
    let parameterCount = 0;
    const bytesByType = new Map<GgmlTypeName, number>();
    for (const part of parts) {
      current = part;
      const header = await readHeader(part);
      const data = checkTensorData(header, part);
      parameterCount += data.parameters;
      for (const [type, bytes] of data.bytesByType) bytesByType.set(type, (bytesByType.get(type) ?? 0) + bytes);
      headers.push(header);
    }
    current = parts[0]!;
    const first = headers[0]!;
    const split = checkSplitKeys(headers, parts);
    const warnings: string[] = [];
    const architecture = checkArchitecture(first);
    const tokenizer = checkTokenizer(first, warnings);
    const fileTypeId = numberOf(key(first, "general.file_type", ["u32"], { required: false }));
    const dominant = [...bytesByType].sort((a, b) => b[1] - a[1])[0]?.[0];
    const facts: GgufFacts = {
      ...architecture,
      name: stringOf(key(first, "general.name", ["string"], { required: false })),
      fileType: fileTypeId === undefined ? dominant : (FILE_TYPES[fileTypeId] ?? `type ${fileTypeId}`),
      dominantTensorType: dominant,
      tensorCount: headers.reduce((sum, header) => sum + header.tensors.length, 0),
      parameterCount,
      fileSize: headers.reduce((sum, header) => sum + header.fileSize, 0),
      vocabularySize: tokenizer.vocabularySize,
      tokenizerModel: tokenizer.model,
      tokenizerPre: tokenizer.pre,
      hasChatTemplate: tokenizer.chatTemplate !== undefined,
      chatTemplate: tokenizer.chatTemplate,
      split,
      parts,
    };
    if (!facts.hasChatTemplate) warnings.push("No chat template (tokenizer.chat_template): reasoning may show up as plain text.");
    return { ok: true, facts, warnings };
  } catch (error) {
    return failure(error, current);
  }
}

function failure(error: unknown, file: string): GgufValidation {
  if (error instanceof ValidationFailure) return { ok: false, problem: error.problem, reason: error.message, file: error.file ?? file };
  if (error instanceof GgufReadError) return { ok: false, problem: error.problem, reason: error.message, file };
  return { ok: false, problem: "unreadable", reason: `The file cannot be read: ${(error as Error)?.message ?? String(error)}`, file };
}

export { GGML_TYPES };
