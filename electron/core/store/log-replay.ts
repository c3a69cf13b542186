import path from "node:path";
import type { ConversationLog } from "./conversation-log.js";
import type { ConversationState } from "./conversation-index.js";
import type { LogRecord } from "./records.js";

export interface OpenReport {
  /** Sentences for people: damage found and what was done about it. */
  notices: string[];
  /** Where the damaged file was copied before repair, if it was. */
  backup: string | null;
  interruptedMessages: number;
}

export interface Replay {
  report: OpenReport;
  /** The log held damage (now backed up): it must be rewritten from the state. */
  damaged: boolean;
  /** "fin" records for answers that were cut off; not yet written. */
  interrupted: LogRecord[];
}

/**
 * Builds the in-memory state from the log at open. Damaged lines and records that refer to
 * something never created are skipped (after a dated backup of the file); answers still streaming
 * when the app stopped are marked interrupted, keeping the text that reached the disk.
 */
export function replayLog(log: ConversationLog, state: ConversationState, now: () => number): Replay {
  const read = log.read();
  let orphans = 0;
  for (const record of read.records) if (!applyRecord(state, record)) orphans++;
  const report: OpenReport = { notices: [], backup: null, interruptedMessages: 0 };
  const damaged = read.damagedLines + orphans;
  if (damaged > 0) {
    report.backup = log.backUp();
    const kept = read.totalLines - damaged;
    const name = path.basename(report.backup);
    report.notices.push(
      kept > 0
        ? `The conversation store was damaged (${damaged} of ${read.totalLines} entries unreadable, as after an interrupted write or a disk error). A copy was saved as ${name}; every intact entry was kept (${state.conversationCount} conversations).`
        : `The conversation store could not be read at all. A copy was saved as ${name} and an empty store was started.`,
    );
  }
  const interrupted = markInterrupted(state, now);
  report.interruptedMessages = interrupted.length;
  return { report, damaged: damaged > 0, interrupted };
}

/** Answers that were streaming when the app stopped: keep what arrived, say they were cut off. */
function markInterrupted(state: ConversationState, now: () => number): LogRecord[] {
  const records: LogRecord[] = [];
  for (const stored of state.conversations()) {
    for (const message of stored.messages) {
      if (message.role === "assistant" && message.finishedAt === null) {
        message.interrupted = true;
        message.finishedAt = now();
        records.push({ k: "fin", id: message.id, stopReason: message.stopReason, metrics: message.metrics, interrupted: true, at: message.finishedAt });
      }
    }
  }
  return records;
}

/** Applies one log record to the state; false when it refers to something the log never created. */
function applyRecord(state: ConversationState, record: LogRecord): boolean {
  switch (record.k) {
    case "conv": {
      const existing = state.find(record.c.id);
      if (existing) existing.header = record.c;
      else state.add({ header: record.c, messages: [], deletedAt: null });
      return true;
    }
    case "msg": {
      const stored = state.find(record.conversationId);
      if (!stored) return false;
      const index = stored.messages.findIndex((m) => m.id === record.m.id);
      if (index === -1) stored.messages.push(record.m);
      else stored.messages[index] = record.m;
      state.track(record.m.id, stored);
      return true;
    }
    case "tok": {
      const message = state.findAssistant(record.id);
      if (!message) return false;
      if (record.t) message.thought += record.t;
      if (record.a) message.answer += record.a;
      return true;
    }
    case "fin": {
      const message = state.findAssistant(record.id);
      if (!message) return false;
      message.stopReason = record.stopReason;
      message.metrics = record.metrics;
      message.interrupted = record.interrupted;
      message.finishedAt = record.at;
      return true;
    }
    case "cut": {
      const stored = state.find(record.conversationId);
      const index = stored?.messages.findIndex((m) => m.id === record.fromMessageId) ?? -1;
      if (!stored || index === -1) return false;
      state.cut(stored, index);
      return true;
    }
    case "old": {
      const stored = state.find(record.conversationId);
      if (!stored) return false;
      state.keepReplaced(stored, { context: record.context, answer: record.m });
      return true;
    }
    case "del":
    case "undel": {
      const stored = state.find(record.id);
      if (!stored) return false;
      stored.deletedAt = record.k === "del" ? record.at : null;
      return true;
    }
  }
}
