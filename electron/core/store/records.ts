import { crc32 } from "node:zlib";
import { z } from "zod";
import { AssistantMessage, ConversationSummary, MessageMetrics, UserMessage } from "../../shared/contract/conversations.js";

/**
 * The conversation log is one record per line: 8 hex digits of CRC-32 over the JSON, then the
 * JSON. A line whose checksum or shape does not match is damage (torn write, disk error, a hand
 * edit), never data; every other line is kept.
 */

const Id = z.string().min(1).max(64);

/** A conversation's header, whole: written on create and on every change to it. */
const ConversationRecord = z.object({ k: z.literal("conv"), c: ConversationSummary.omit({ messageCount: true }) });
/** A message, whole: user messages, the start of an answer, and every message after compaction. */
const MessageRecord = z.object({ k: z.literal("msg"), conversationId: Id, m: z.discriminatedUnion("role", [UserMessage, AssistantMessage]) });
/** Streamed text appended to an unfinished answer (coalesced: one record per flush, not per token). */
const TokensRecord = z.object({ k: z.literal("tok"), id: Id, t: z.string().optional(), a: z.string().optional() });
/** The end of an answer. */
const FinishRecord = z.object({
  k: z.literal("fin"),
  id: Id,
  stopReason: z.string().max(64).nullable(),
  metrics: MessageMetrics.nullable(),
  interrupted: z.boolean(),
  at: z.number().int().nonnegative(),
});
const DeleteRecord = z.object({ k: z.literal("del"), id: Id, at: z.number().int().nonnegative() });
const RestoreRecord = z.object({ k: z.literal("undel"), id: Id });
/**
 * An answer the user regenerated or edited away, kept with the turns it answered, so a trace export
 * can tell kept answers from replaced ones. Written just before the "cut" that drops it.
 */
const ReplacedRecord = z.object({
  k: z.literal("old"),
  conversationId: Id,
  context: z.array(z.discriminatedUnion("role", [UserMessage, AssistantMessage])),
  m: AssistantMessage,
});
/** Drops a message and every later one of its conversation (regenerate, edit and resend). */
const RewindRecord = z.object({ k: z.literal("cut"), conversationId: Id, fromMessageId: Id });

export const LogRecord = z.discriminatedUnion("k", [
  ConversationRecord,
  MessageRecord,
  TokensRecord,
  FinishRecord,
  DeleteRecord,
  RestoreRecord,
  RewindRecord,
  ReplacedRecord,
]);
export type LogRecord = z.infer<typeof LogRecord>;

export function encodeRecord(record: LogRecord): string {
  const json = JSON.stringify(record);
  return `${checksum(json)}${json}\n`;
}

/** The record on one line (without its newline), or null when the line is damaged. */
export function decodeRecord(line: string): LogRecord | null {
  if (line.length < 10) return null;
  const json = line.slice(8);
  if (line.slice(0, 8) !== checksum(json)) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  const parsed = LogRecord.safeParse(value);
  return parsed.success ? parsed.data : null;
}

function checksum(json: string): string {
  return crc32(json).toString(16).padStart(8, "0");
}
