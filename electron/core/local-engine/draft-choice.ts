import path from "node:path";
import { readGgufHeader } from "../gguf/reader.js";
import { tokenizerFingerprint, type TokenizerFingerprint } from "../gguf/tokenizer-fingerprint.js";
import { AppError } from "../kernel/errors.js";

/** A model file the library holds, as a draft candidate. */
export interface DraftCandidate {
  path: string;
  sizeBytes: number;
}

/** A draft pays off only when it is much faster than the model: at most this share of its size. */
const MAX_DRAFT_SHARE = 0.5;

async function fingerprintOf(file: string): Promise<TokenizerFingerprint | null> {
  return tokenizerFingerprint(await readGgufHeader(file));
}

/** Why a file cannot draft for the model, or null when it can (same tokenizer, read from both files, and smaller). */
export async function draftProblem(targetPath: string, draftPath: string): Promise<string | null> {
  if (path.resolve(targetPath) === path.resolve(draftPath)) return "it is the model itself";
  const [target, draft] = await Promise.all([fingerprintOf(targetPath), fingerprintOf(draftPath)]);
  if (!target) return "the model's file has no tokenizer";
  if (!draft) return "its file has no tokenizer";
  if (draft.hash !== target.hash) {
    return draft.tokenCount !== target.tokenCount
      ? `its tokenizer differs (${draft.tokenCount} tokens against the model's ${target.tokenCount})`
      : "its tokenizer differs (the same number of tokens, but other tokens, merges or special tokens)";
  }
  return null;
}

/** Refuses a draft the user named that cannot draft for the model, with the reason. */
export async function checkDraft(targetPath: string, draftPath: string): Promise<void> {
  if (!path.isAbsolute(draftPath)) throw new AppError("bad-request", "The draft model's path must be absolute.");
  const problem = await draftProblem(targetPath, draftPath);
  if (problem)
    throw new AppError("bad-request", `${path.basename(draftPath)} cannot draft for ${path.basename(targetPath)}: ${problem}.`, {
      reason: "draft-incompatible",
    });
}

/** The largest library model with the model's tokenizer and at most half its size (larger drafts agree more often); null: none. */
export async function chooseDraft(target: DraftCandidate, candidates: readonly DraftCandidate[]): Promise<string | null> {
  const sized = candidates.filter((c) => c.sizeBytes > 0 && c.sizeBytes <= target.sizeBytes * MAX_DRAFT_SHARE).sort((a, b) => b.sizeBytes - a.sizeBytes);
  for (const candidate of sized) {
    const problem = await draftProblem(target.path, candidate.path).catch(() => "unreadable");
    if (problem === null) return candidate.path;
  }
  return null;
}
