import { createHash } from "node:crypto";
import type { GgufHeader } from "./reader.js";

/**
 * What makes two models' token ids mean the same text: the tokenizer kind, its pre-tokenizer, the
 * token list, token types, merges and the special tokens' ids. Names and scores do not count.
 */
const TOKENIZER_KEYS = [
  "tokenizer.ggml.model",
  "tokenizer.ggml.pre",
  "tokenizer.ggml.tokens",
  "tokenizer.ggml.token_type",
  "tokenizer.ggml.merges",
  "tokenizer.ggml.bos_token_id",
  "tokenizer.ggml.eos_token_id",
  "tokenizer.ggml.eot_token_id",
  "tokenizer.ggml.unknown_token_id",
  "tokenizer.ggml.padding_token_id",
  "tokenizer.ggml.add_bos_token",
] as const;

export interface TokenizerFingerprint {
  /** SHA-256 over the keys above; equal hashes: a draft's tokens are the target's. */
  readonly hash: string;
  readonly tokenCount: number;
}

/** The tokenizer fingerprint of a parsed GGUF header, or null when the file has no token list. */
export function tokenizerFingerprint(header: GgufHeader): TokenizerFingerprint | null {
  const tokens = header.metadata.get("tokenizer.ggml.tokens");
  if (!tokens || !Array.isArray(tokens.value)) return null;
  const hash = createHash("sha256");
  for (const key of TOKENIZER_KEYS) {
    const entry = header.metadata.get(key);
    // Length-prefixed parts: no two different headers hash the same bytes.
    const text = entry === undefined ? "-" : JSON.stringify(entry.value, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
    hash.update(`${key}:${Buffer.byteLength(text)}:`).update(text);
  }
  return { hash: hash.digest("hex"), tokenCount: tokens.value.length };
}
