import { z } from "zod";
import { Attachments, Citation } from "./chat.js";
import { call } from "./define.js";

// Calls and events of the conversations capability. Owned by the conversations work; see index.ts.

export const ConversationId = z.string().min(1).max(64);

/** Flat facts about a generation (tokens, tokens/s, time to first token, backend…), as the engine reports them. */
export const MessageMetrics = z.record(z.string().max(64), z.union([z.number(), z.string().max(256), z.boolean(), z.null()]));
export type MessageMetrics = z.infer<typeof MessageMetrics>;

/** The sampling settings a conversation was run with (temperature, top-p, seed, context size…). */
export const GenerationSettings = z.record(z.string().max(64), z.union([z.number(), z.string().max(256), z.boolean(), z.null()]));
export type GenerationSettings = z.infer<typeof GenerationSettings>;

const Timestamp = z.number().int().nonnegative(); // ms since the epoch

export const UserMessage = z.object({
  id: z.string().min(1).max(64),
  role: z.literal("user"),
  text: z.string(),
  /** Files attached to the question (absent in conversations from before attachments). */
  attachments: Attachments.optional(),
  createdAt: Timestamp,
});
export type UserMessage = z.infer<typeof UserMessage>;

export const AssistantMessage = z.object({
  id: z.string().min(1).max(64),
  role: z.literal("assistant"),
  /** The reasoning (between <think> tags), kept apart from the answer; never sent back to the model. */
  thought: z.string(),
  answer: z.string(),
  model: z.string().nullable(),
  metrics: MessageMetrics.nullable(),
  /** Why generation ended (e.g. "eos", "maxTokens", "abort"); null while streaming or when cut off. */
  stopReason: z.string().max(64).nullable(),
  /** True when the app or engine stopped before the answer finished (crash, kill, power cut). */
  interrupted: z.boolean(),
  createdAt: Timestamp,
  finishedAt: Timestamp.nullable(),
  /** The numbered sources from collections the question carried, which the answer cites. */
  citations: z.array(Citation).optional(),
});
export type AssistantMessage = z.infer<typeof AssistantMessage>;

export const Message = z.discriminatedUnion("role", [UserMessage, AssistantMessage]);
export type Message = z.infer<typeof Message>;

export const ConversationSummary = z.object({
  id: ConversationId,
  title: z.string(),
  /** "auto": taken from the first question and may still be set by it; "user": renamed by hand. */
  titleSource: z.enum(["auto", "user"]),
  model: z.string().nullable(),
  variant: z.string().nullable(),
  settings: GenerationSettings,
  pinned: z.boolean(),
  createdAt: Timestamp,
  /** Last activity (a message); orders the list after the pinned ones. */
  updatedAt: Timestamp,
  messageCount: z.number().int().nonnegative(),
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

export const Conversation = ConversationSummary.extend({ messages: z.array(Message) });
export type Conversation = z.infer<typeof Conversation>;

export const SearchHit = z.object({
  conversationId: ConversationId,
  title: z.string(),
  /** The message matched; null when only the conversation's title did. */
  messageId: z.string().nullable(),
  field: z.enum(["title", "question", "attachment", "reasoning", "answer"]),
  /** The attached file the match is in (field "attachment"). */
  fileName: z.string().optional(),
  /** A short excerpt around the match, whitespace collapsed; `match` locates it inside the snippet. */
  snippet: z.string(),
  match: z.object({ start: z.number().int(), length: z.number().int() }),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const ExportFormat = z.enum(["markdown", "json"]);

/** The JSON export: imports back into any R1 Local losslessly. */
export const ConversationArchive = z.object({
  format: z.literal("r1-local.conversations"),
  version: z.literal(1),
  exportedAt: Timestamp,
  conversations: z.array(Conversation),
});
export type ConversationArchive = z.infer<typeof ConversationArchive>;

/**
 * Reasoning traces as fine-tuning data: one JSONL line per answer, `{"messages": [...]}` in the chat
 * format fine-tuning tools read. "reasoning-field" puts the reasoning in the last assistant message's
 * `reasoning_content`; "think-tags" puts it before the answer as `<think>\n…\n</think>\n\n`, as the
 * R1 distills were trained. Earlier turns carry answers only, as the model saw them.
 */
export const TrainingExportRequest = z
  .object({
    /** Omitted: every conversation. */
    ids: z.array(ConversationId).max(100_000).optional(),
    style: z.enum(["reasoning-field", "think-tags"]),
    /** Leave out answers that were stopped, cut off, or ran out of room. */
    onlyFinished: z.boolean().prefault(true),
    /** Leave out answers the user regenerated or edited away. */
    onlyKept: z.boolean().prefault(true),
    /** Reasoning length bounds, in characters. */
    minReasoningChars: z.number().int().nonnegative().optional(),
    maxReasoningChars: z.number().int().nonnegative().optional(),
  })
  .strict()
  .refine((r) => r.minReasoningChars === undefined || r.maxReasoningChars === undefined || r.minReasoningChars <= r.maxReasoningChars, {
    message: "The minimum reasoning length is above the maximum.",
    path: ["minReasoningChars"],
  });
export type TrainingExportRequest = z.input<typeof TrainingExportRequest>;

const ById = z.object({ id: ConversationId }).strict();

export const conversationsCalls = {
  /** Pinned first, then most recent activity first. */
  "conversations.list": call(
    z.object({ offset: z.number().int().nonnegative().optional(), limit: z.number().int().positive().max(100_000).optional() }).strict(),
    z.object({ conversations: z.array(ConversationSummary), total: z.number().int() }),
  ),
  "conversations.get": call(ById, Conversation),
  /** The app calls this with a new chat's first question; one left without a message (not renamed or pinned) is dropped when the store next opens. */
  "conversations.create": call(
    z
      .object({
        title: z.string().max(200).optional(),
        model: z.string().max(512).nullable().optional(),
        variant: z.string().max(256).nullable().optional(),
        settings: GenerationSettings.optional(),
      })
      .strict(),
    ConversationSummary,
  ),
  "conversations.rename": call(z.object({ id: ConversationId, title: z.string().trim().min(1).max(200) }).strict(), ConversationSummary),
  /** Hidden at once; `conversations.restore` brings it back until `restorableUntil`. */
  "conversations.delete": call(ById, z.object({ id: ConversationId, restorableUntil: Timestamp })),
  "conversations.restore": call(ById, ConversationSummary),
  "conversations.pin": call(z.object({ id: ConversationId, pinned: z.boolean() }).strict(), ConversationSummary),
  /** Every word must occur in one message (its question and attached files, or its reasoning and answer), else in the title; case-insensitive. */
  "conversations.search": call(
    z.object({ query: z.string().max(500), limit: z.number().int().positive().max(500).optional() }).strict(),
    z.object({ hits: z.array(SearchHit), truncated: z.boolean() }),
  ),
  /** One, some or (without ids) all conversations, as a file's name and content for the user to save. */
  "conversations.export": call(
    z.object({ ids: z.array(ConversationId).max(100_000).optional(), format: ExportFormat }).strict(),
    z.object({ fileName: z.string(), mimeType: z.string(), content: z.string() }),
  ),
  /** Answers with their reasoning as fine-tuning JSONL; `examples` lines written, `skipped` answers filtered out. */
  "conversations.exportTraining": call(
    TrainingExportRequest,
    z.object({ fileName: z.string(), mimeType: z.string(), content: z.string(), examples: z.number().int(), skipped: z.number().int() }),
  ),
  /** Takes a JSON export; conversations whose ids are taken get fresh ids, nothing is overwritten. */
  "conversations.import": call(
    z.object({ content: z.string().max(512 * 1024 * 1024) }).strict(),
    z.object({ imported: z.array(ConversationSummary), notices: z.array(z.string()) }),
  ),
} satisfies Record<string, ReturnType<typeof call>>;

export const conversationsEvents = {
  /** Something in the list changed (for the sidebar); the conversation's content is fetched with get. */
  "conversations.changed": z.object({
    conversationId: ConversationId.nullable(),
    kind: z.enum(["created", "updated", "message", "deleted", "restored", "imported", "repaired"]),
  }),
} satisfies Record<string, z.ZodType>;
