import { randomUUID } from "node:crypto";
import { ConversationArchive, type Conversation } from "../../shared/contract/conversations.js";
import { describeIssues } from "../kernel/zod-issues.js";
import { AppError } from "../kernel/errors.js";

/** The JSON export: every field of every message, so an import gives back the same conversations. */
export function toJsonArchive(conversations: Conversation[], exportedAt: number): string {
  const archive: ConversationArchive = { format: "r1-local.conversations", version: 1, exportedAt, conversations };
  return `${JSON.stringify(archive, null, 2)}\n`;
}

/**
 * Reads a JSON export. Conversations (or messages) whose ids are already taken get fresh ids, so an
 * import never overwrites or merges into what is there.
 */
export function fromJsonArchive(
  content: string,
  isTaken: { conversation: (id: string) => boolean; message: (id: string) => boolean },
): { conversations: Conversation[]; notices: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch {
    throw new AppError("bad-request", "This file is not a conversation export (it is not JSON). Export from R1 Local as JSON to import.");
  }
  const parsed = ConversationArchive.safeParse(raw);
  if (!parsed.success) throw new AppError("bad-request", `This file is not an R1 Local conversation export: ${describeIssues(parsed.error)}`);
  const notices: string[] = [];
  const seen = new Set<string>();
  const conversations = parsed.data.conversations.map((conversation) => {
    const clash =
      isTaken.conversation(conversation.id) || seen.has(conversation.id) || conversation.messages.some((m) => isTaken.message(m.id) || seen.has(m.id));
    const copy: Conversation = clash
      ? { ...conversation, id: randomUUID(), messages: conversation.messages.map((m) => ({ ...m, id: randomUUID() })) }
      : conversation;
    if (clash) notices.push(`"${conversation.title}" is already here; the imported copy was added beside it.`);
    seen.add(copy.id);
    for (const m of copy.messages) seen.add(m.id);
    return { ...copy, messageCount: copy.messages.length };
  });
  return { conversations, notices };
}

/** Markdown for reading: questions, answers, and the reasoning folded in a <details> block. */
export function toMarkdown(conversations: Conversation[]): string {
  return conversations.map(conversationToMarkdown).join("\n---\n\n");
}

function conversationToMarkdown(conversation: Conversation): string {
  const lines: string[] = [`# ${oneLine(conversation.title)}`, ""];
  const facts = [
    conversation.model ? `Model: ${conversation.model}${conversation.variant ? ` (${conversation.variant})` : ""}` : null,
    `Started ${new Date(conversation.createdAt).toISOString()}`,
  ];
  lines.push(`*${facts.filter(Boolean).join(" · ")}*`, "");
  for (const message of conversation.messages) {
    if (message.role === "user") {
      lines.push("## You", "", message.text.trim(), "");
      for (const file of message.attachments ?? []) lines.push(`*Attached: ${oneLine(file.name)}*`, "", fenced(file.content), "");
      continue;
    }
    lines.push(`## ${message.model ? oneLine(message.model) : "Assistant"}`, "");
    if (message.thought.trim()) {
      // Blank lines around the body let Markdown inside the block render; a literal closing tag is escaped.
      lines.push("<details>", "<summary>Reasoning</summary>", "", message.thought.trim().replaceAll("</details>", "&lt;/details&gt;"), "", "</details>", "");
    }
    if (message.answer.trim()) lines.push(message.answer.trim(), "");
    if (message.interrupted) lines.push("*(This answer was interrupted before it finished.)*", "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/** A code block whose fence is longer than any run of backticks inside, so the file cannot close it early. */
function fenced(text: string): string {
  const longestRun = Math.max(0, ...Array.from(text.matchAll(/`+/g), (match) => match[0].length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return `${fence}\n${text.replace(/\n$/, "")}\n${fence}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

export function exportFileName(conversations: Conversation[], format: "markdown" | "json", at: number): string {
  const extension = format === "markdown" ? "md" : "json";
  const day = new Date(at).toISOString().slice(0, 10);
  if (conversations.length === 1) {
    const slug =
      conversations[0]!.title
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 50) || "conversation";
    return `${slug}.${extension}`;
  }
  return `r1-local-conversations-${day}.${extension}`;
}
