import { validateGgufFile } from "../gguf/validate.js";
import type { GgufCheck } from "./library.js";

/** Validates a GGUF model (every part of a split one) with the project's own checks, before llama.cpp sees it. */
export async function validateGguf(path: string): Promise<GgufCheck> {
  const result = await validateGgufFile(path);
  if (!result.ok) return { ok: false, reason: result.reason };
  return { ok: true, architecture: result.facts.architecture, quantization: result.facts.fileType };
}
