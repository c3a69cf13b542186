import path from "node:path";
import type { Llama, LlamaContext, LlamaModel } from "node-llama-cpp";
import { AdaptiveDraftPredictor } from "./adaptive-draft.js";

/** The draft of speculative decoding: a smaller model with the same tokenizer, in this same process. */
export interface LoadedDraft {
  model: LlamaModel;
  context: LlamaContext;
  /** Given to the target's sequence (which disposes it with itself). */
  predictor: AdaptiveDraftPredictor;
}

export interface DraftLoadOptions {
  contextSize: number;
  threads: number;
  signal: AbortSignal;
}

/**
 * Loads the draft model and its context (the target's context size: it follows the same tokens).
 * Greedy drafting whatever the target samples with: a draft only proposes, the target decides, so
 * the output is the target's own.
 */
export async function loadDraft(llama: Llama, draftPath: string, options: DraftLoadOptions): Promise<LoadedDraft> {
  const model = await llama.loadModel({ modelPath: draftPath, loadSignal: options.signal });
  try {
    options.signal.throwIfAborted();
    const context = await model.createContext({
      contextSize: Math.min(options.contextSize, model.trainContextSize || options.contextSize),
      threads: options.threads,
      createSignal: options.signal,
      failedCreationRemedy: false,
    });
    const predictor = new AdaptiveDraftPredictor(context.getSequence());
    return { model, context, predictor };
  } catch (err) {
    await model.dispose();
    throw err;
  }
}

export async function disposeDraft(draft: LoadedDraft | undefined): Promise<void> {
  if (!draft) return;
  await draft.context.dispose();
  await draft.model.dispose();
}

export function draftInfo(draft: LoadedDraft, draftPath: string): { path: string; name: string; sizeBytes: number } {
  const name = draft.model.fileInfo.metadata?.general?.name;
  return { path: draftPath, name: typeof name === "string" && name.trim() ? name.trim() : path.basename(draftPath, ".gguf"), sizeBytes: draft.model.size };
}
