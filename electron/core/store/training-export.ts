import { userTurnText } from "../../shared/attachment-prompt.js";
import type { AssistantMessage, Message, TrainingExportRequest } from "../../shared/contract/conversations.js";
import type { z } from "zod";

type Options = z.output<typeof TrainingExportRequest>;

/** One answer to export: the messages before it in its conversation, and whether the user kept it. */
export interface TraceSource {
  context: Message[];
  answer: AssistantMessage;
  kept: boolean;
}

type ChatLine = { role: "user" | "assistant"; content: string; reasoning_content?: string };

/** Every answer of the conversations (and the replaced ones), each with the messages before it. */
export function traceSources(conversations: Array<{ messages: Message[] }>, replaced: Array<{ context: Message[]; answer: AssistantMessage }>): TraceSource[] {
  const sources: TraceSource[] = [];
  for (const { messages } of conversations) {
    messages.forEach((message, at) => {
      if (message.role === "assistant") sources.push({ context: messages.slice(0, at), answer: message, kept: true });
    });
  }
  for (const old of replaced) sources.push({ ...old, kept: false });
  return sources;
}

/** Finished: ended by the model itself — not stopped, crashed, out of room, or with its reasoning cut by the thinking budget. */
function isFinished(answer: AssistantMessage): boolean {
  return answer.finishedAt !== null && !answer.interrupted && answer.stopReason === "end";
}

function passes(source: TraceSource, options: Options): boolean {
  const { answer } = source;
  const reasoning = answer.thought.trim().length;
  if (!answer.answer.trim() || reasoning === 0) return false;
  if (options.onlyFinished && !isFinished(answer)) return false;
  if (options.onlyKept && !source.kept) return false;
  if (options.minReasoningChars !== undefined && reasoning < options.minReasoningChars) return false;
  if (options.maxReasoningChars !== undefined && reasoning > options.maxReasoningChars) return false;
  return true;
}

/** The earlier turns as the model saw them: questions with their files, finished answers without reasoning. */
function contextLines(context: Message[]): ChatLine[] {
  const lines: ChatLine[] = [];
  for (const message of context) {
    if (message.role === "user") lines.push({ role: "user", content: userTurnText({ content: message.text, attachments: message.attachments }) });
    else if (message.finishedAt !== null && message.answer.trim()) lines.push({ role: "assistant", content: message.answer });
  }
  return lines;
}

function answerLine(answer: AssistantMessage, style: Options["style"]): ChatLine {
  const reasoning = answer.thought.trim();
  const content = answer.answer.trim();
  return style === "reasoning-field"
    ? { role: "assistant", content, reasoning_content: reasoning }
    : { role: "assistant", content: `<think>\n${reasoning}\n</think>\n\n${content}` };
}

/** JSONL, one `{"messages": [...]}` per answer that passes the filters; answers with no question before them are left out. */
export function toTrainingJsonl(sources: TraceSource[], options: Options): { content: string; examples: number; skipped: number } {
  const lines: string[] = [];
  for (const source of sources) {
    if (!passes(source, options)) continue;
    const messages = [...contextLines(source.context), answerLine(source.answer, options.style)];
    if (messages.at(-2)?.role !== "user") continue;
    lines.push(JSON.stringify({ messages }));
  }
  return { content: lines.length ? `${lines.join("\n")}\n` : "", examples: lines.length, skipped: sources.length - lines.length };
}

export function trainingFileName(style: Options["style"], at: number): string {
  return `r1-local-traces-${style === "think-tags" ? "think" : "reasoning"}-${new Date(at).toISOString().slice(0, 10)}.jsonl`;
}
