import path from "node:path";
import { validateGgufFile } from "../gguf/validate.js";
import { AppError } from "../kernel/errors.js";

/**
 * Refuses a file llama.cpp must not see. A malformed GGUF can abort the engine process outright
 * (missing head count or FFN length: SIGABRT), so this runs in the core, before the load.
 */
export async function checkModelFile(filePath: string): Promise<void> {
  const result = await validateGgufFile(filePath);
  if (!result.ok) {
    throw new AppError("bad-request", `${path.basename(filePath)} cannot be loaded: ${result.reason}`);
  }
}
