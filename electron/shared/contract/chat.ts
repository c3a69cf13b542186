import { z } from "zod";
import { call, JobId, JobStarted } from "./define.js";
import { BackendKind, KvCacheType } from "./engine.js";
import { ToolCall } from "./tools.js";

/** The most text one attached file may carry (about a megabyte of code). */
export const ATTACHMENT_MAX_CHARS = 1_000_000;

/**
 * A file given with a question — picked, dropped, read from a folder, or a long paste — as its text,
 * never a path: in serve mode the browser has no paths, and the core never reads files for the
 * renderer. Binary content (a NUL character) is refused.
 */
export const Attachment = z
  .object({
    /** The file's name, or its path inside the attached folder ("src/app.ts"). */
    name: z.string().trim().min(1).max(1024),
    content: z
      .string()
      .max(ATTACHMENT_MAX_CHARS)
      .refine((text) => !text.includes("\u0000"), { message: "This file looks binary; only text files can be attached." }),
    /** Its size in the prompt, as the loaded model's tokenizer counted it when attached (null: not counted). */
    tokens: z.number().int().nonnegative().nullable().optional(),
  })
  .strict();
export type Attachment = z.infer<typeof Attachment>;

export const Attachments = z.array(Attachment).max(2000);

/**
 * A turn of the conversation as it goes back into the model: the user's text (with the files
 * attached to it), or the assistant's answer only. Earlier reasoning never goes back into the
 * context (DeepSeek's guidance). A user turn "has attachments" when `attachments` is non-empty; the
 * engine renders them before the text in DeepSeek's file template (shared/attachment-prompt.ts).
 */
export const ChatTurn = z
  .object({
    role: z.enum(["user", "assistant"]),
    content: z.string().max(2_000_000),
    attachments: Attachments.optional(),
    /** An assistant turn's tool calls, each with its result (from the client's `tool` messages). */
    toolCalls: z.array(ToolCall).max(128).optional(),
  })
  .strict();
export type ChatTurn = z.infer<typeof ChatTurn>;

/**
 * Sampling and limits for one response. Omitted fields come from the settings, then from DeepSeek's
 * recommendation for R1 (temperature 0.6, top-p 0.95).
 */
export const GenerationOptions = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().min(0).max(1).optional(),
    topK: z.number().int().min(0).max(1_000_000).optional(),
    minP: z.number().min(0).max(1).optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional(),
    /** Cap on all generated tokens (reasoning and answer). */
    maxTokens: z.number().int().min(1).max(1_048_576).optional(),
    /** Cap on reasoning tokens; when reached, the thought is closed and the model answers. */
    thinkingBudget: z.number().int().min(0).max(1_048_576).optional(),
    /** Absent or "" means none (DeepSeek: instructions belong in the user turn). */
    systemPrompt: z.string().max(200_000).optional(),
  })
  .strict();
export type GenerationOptions = z.infer<typeof GenerationOptions>;

/** The options as the engine uses them: every default applied. */
export const ResolvedGenerationOptions = GenerationOptions.required({ temperature: true, topP: true });
export type ResolvedGenerationOptions = z.infer<typeof ResolvedGenerationOptions>;

export const defaultSampling = { temperature: 0.6, topP: 0.95 } as const;

/**
 * `context-full`: the response filled the context. `prompt-too-long`: the question cannot fit even
 * alone, nothing was generated. `unfinished-thought`: the model ended inside its reasoning, no answer.
 */
export const StopReason = z.enum([
  "end",
  "max-tokens",
  "aborted",
  "context-full",
  "prompt-too-long",
  "unfinished-thought",
  "budget-reached",
  "crashed",
  "error",
]);
export type StopReason = z.infer<typeof StopReason>;

export const GenerationMetrics = z.object({
  /** From the engine receiving the request to the first generated token. */
  ttftMs: z.number().nullable(),
  /** The whole prompt, as OpenAI counts it: the part reused from the previous turn's context included. */
  promptTokens: z.number().int(),
  /** The part of the prompt already in the context (not evaluated again). */
  cachedPromptTokens: z.number().int(),
  /** Speed of the part that was evaluated (promptTokens − cachedPromptTokens). */
  promptTokensPerSecond: z.number().nullable(),
  generatedTokens: z.number().int(),
  generationTokensPerSecond: z.number().nullable(),
  thoughtTokens: z.number().int(),
  answerTokens: z.number().int(),
  thoughtStartedAt: z.string().nullable(),
  thoughtEndedAt: z.string().nullable(),
  totalMs: z.number(),
  backend: BackendKind.nullable(),
  gpuLayers: z.number().int(),
  contextUsed: z.number().int(),
  contextSize: z.number().int(),
  /** Earlier messages shifted out of the context to make room (0 when all fit). */
  droppedMessages: z.number().int(),
  /** Drafted tokens (speculative decoding or prompt lookup) the model confirmed; null or absent: nothing drafted. */
  draftAcceptedTokens: z.number().int().nullable().optional(),
  /** Drafted tokens the model refuted (acceptance rate: accepted / (accepted + refuted)). */
  draftRefutedTokens: z.number().int().nullable().optional(),
});
export type GenerationMetrics = z.infer<typeof GenerationMetrics>;

/** Who answered a response: the local engine process, or the remote server with this endpoint id. */
export const AnsweredBy = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("local") }),
  z.object({ kind: z.literal("remote"), endpointId: z.string() }),
]);
export type AnsweredBy = z.infer<typeof AnsweredBy>;

/** A context to go on in: its size and the KV cache type the estimate that offered it assumed. */
export const LargerContext = z.object({ contextSize: z.number().int().min(256).max(1_048_576), kvCacheType: KvCacheType }).strict();
export type LargerContext = z.infer<typeof LargerContext>;

/** A numbered source an answer may cite: where its passage came from, to open it at the right line. */
export const Citation = z.object({
  n: z.number().int().positive(),
  collectionId: z.string().min(1).max(64),
  file: z.string(),
  display: z.string(),
  startLine: z.number().int().positive(),
  endLine: z.number().int().positive(),
  heading: z.string().optional(),
});
export type Citation = z.infer<typeof Citation>;

export const ChatSendRequest = z
  .object({
    conversationId: z.string().min(1).max(200).optional(),
    /** Earlier turns plus the new user turn last; omit to take earlier turns from the conversation. */
    messages: z.array(ChatTurn).max(10_000).optional(),
    /** The new user turn, appended after `messages` or the conversation's history. */
    prompt: z.string().max(2_000_000).optional(),
    /** Files attached to `prompt`; kept with the question in the conversation. */
    attachments: Attachments.optional(),
    /**
     * Regenerate / edit and resend: this message of the conversation and every later one are
     * dropped first, then `prompt` is asked after what remains.
     */
    rewindFrom: z.string().min(1).max(64).optional(),
    options: GenerationOptions.prefault({}),
    /** Collections to ask: the passages that fit the room left go into the question as numbered sources. */
    collections: z.array(z.string().min(1).max(64)).max(16).optional(),
    /**
     * Go on with a response that stopped at the context (the action `largerContext` offers): the
     * model is loaded again with `contextSize` and `kvCacheType`, the prompt evaluated again, and the response goes on
     * from `thought` and `answer`. In a conversation, `rewindFrom` names the stopped message, which
     * the continued one replaces; no `prompt` is asked.
     */
    resume: z
      .object({ thought: z.string().max(2_000_000), answer: z.string().max(2_000_000), ...LargerContext.shape })
      .strict()
      .optional(),
  })
  .strict()
  .refine((r) => r.messages?.length || r.prompt !== undefined || (r.resume && r.conversationId), { message: "Give messages or a prompt." });
export type ChatSendRequest = z.input<typeof ChatSendRequest>;

export const ChatDone = z.object({
  jobId: JobId,
  conversationId: z.string().nullable(),
  /** The stored question this response answers; null outside a conversation or when it went on from a stopped one. */
  userMessageId: z.string().nullable(),
  /** The stored response; null outside a conversation. */
  messageId: z.string().nullable(),
  answeredBy: AnsweredBy,
  stopReason: StopReason,
  thought: z.string(),
  answer: z.string(),
  metrics: GenerationMetrics.nullable(),
  /** For people: why it stopped when that is not the normal end. */
  message: z.string().nullable(),
  /**
   * When it stopped at the context (context-full, prompt-too-long): a larger context this machine's
   * memory allows, to go on in (chat.send with `resume`); null when none does.
   */
  largerContext: LargerContext.nullable().optional(),
  /** The numbered sources the question carried (when collections were asked); the answer cites them. */
  citations: z.array(Citation).optional(),
});
export type ChatDone = z.infer<typeof ChatDone>;

/** What a question would cost in the loaded model's context, before it is sent. */
export const ChatMeasureRequest = z
  .object({
    conversationId: z.string().min(1).max(200).optional(),
    prompt: z.string().max(2_000_000),
    attachments: Attachments.prefault([]),
  })
  .strict();

export const ChatMeasure = z.object({
  /** Each attachment's tokens as it goes into the prompt (file template included), in order. */
  attachmentTokens: z.array(z.number().int().nonnegative()),
  /** The whole prompt: the conversation's earlier turns plus this question and its files. */
  promptTokens: z.number().int().nonnegative(),
  /** The loaded model's context size. */
  contextSize: z.number().int().positive(),
});
export type ChatMeasure = z.infer<typeof ChatMeasure>;

export const chatCalls = {
  /** Generate a response. Streams chat.delta (coalesced), ends with chat.done. One at a time. */
  "chat.send": call(ChatSendRequest, JobStarted),
  /** Counts tokens with the loaded model's tokenizer: attachments one by one, and the prompt they make. */
  "chat.measure": call(ChatMeasureRequest, ChatMeasure),
};

export const chatEvents = {
  /** New text since the previous delta of the same job (never the whole history). */
  /** `thoughtTokens`: reasoning tokens generated so far (absent where the engine does not count them). */
  "chat.delta": z.object({ jobId: JobId, thought: z.string(), answer: z.string(), thoughtTokens: z.number().int().nonnegative().optional() }),
  /** Something the user should know about this response, e.g. earlier turns were shifted out. */
  "chat.notice": z.object({ jobId: JobId, message: z.string() }),
  "chat.done": ChatDone,
};
