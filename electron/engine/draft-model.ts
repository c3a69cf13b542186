import path from "node:path";
import { DraftSequenceTokenPredictor, type Llama, type LlamaContext, type LlamaModel } from "node-llama-cpp";

/** The draft of speculative decoding: a smaller model with the same tokenizer, in this same process. */
export interface LoadedDraft {
  model: LlamaModel;
  context: LlamaContext;
  /** Given to the target's sequence (which disposes it with itself). */
  predictor: DraftSequenceTokenPredictor;
}

export interface DraftLoadOptions {
  contextSize: number;
  threads: number;
  signal: AbortSignal;
}

/**
 * One drafted token per step. node-llama-cpp 3.21.1 checks a batch's second and later drafted
 * tokens against an array it never fills (`validatedTokens` in LlamaContext.js's evaluation
 * loop), so it refutes every one of them: longer drafts only cost time. Measured on
 * scripted-r1-long-slow, 1 thread, 96 tokens: no draft 13.5–14.3 tok/s; up to 16 drafted 10.7
 * (45 accepted, 330 refuted); exactly 1 (minTokens 1 makes the target wait for it) 17.1–24.2
 * (48 accepted, 0 refuted).
 */
export const DRAFT_TOKENS_PER_STEP = 1;

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
    const predictor = new DraftSequenceTokenPredictor(context.getSequence(), {
      minTokens: DRAFT_TOKENS_PER_STEP,
      maxTokens: DRAFT_TOKENS_PER_STEP,
      evaluateOptions: { temperature: 0 },
    });
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
