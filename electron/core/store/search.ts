import type { Message, SearchHit } from "../../shared/contract/conversations.js";

const BEFORE = 50;
const AFTER = 110;
const HITS_PER_CONVERSATION = 3;

/** What search needs of a conversation: its title, its messages and a lower-cased copy of all their text. */
export interface Searchable {
  id: string;
  title: string;
  messages: Message[];
  /** Every question, attached file (name and text), reasoning and answer, lower-cased and joined; cached by the store until the conversation changes. */
  haystack(): string;
}

/** One searchable text of a message; an attached file's carries its name. */
interface Field {
  field: SearchHit["field"];
  text: string;
  fileName?: string;
}

/**
 * Full-text search by scanning, newest conversations first. A conversation is first tested with
 * indexOf on its cached lower-cased text (V8 scans that at memory speed); only conversations that
 * contain every word are searched message by message with a case-insensitive pattern. A
 * conversation none of whose messages holds every word is still found when its title does (a
 * renamed conversation). There is no index to build, store or repair; at 100,000 messages a search
 * stays within the 200 ms budget (see the store-scale benchmark).
 */
export function searchConversations(conversations: Iterable<Searchable>, query: string, limit: number): { hits: SearchHit[]; truncated: boolean } {
  const terms = [...new Set(query.trim().split(/\s+/).filter(Boolean))].slice(0, 16);
  if (!terms.length) return { hits: [], truncated: false };
  // The longest word is the rarest in practice: test it first, the others only where it matched.
  terms.sort((a, b) => b.length - a.length);
  const lowered = terms.map((term) => term.toLowerCase());
  const patterns = terms.map((term) => new RegExp(escapeRegExp(term), /[^ -~]/.test(term) ? "iu" : "i"));
  const hits: SearchHit[] = [];
  for (const conversation of conversations) {
    const haystack = conversation.haystack();
    let inConversation = 0;
    if (lowered.every((term) => haystack.includes(term))) {
      for (const message of conversation.messages) {
        const fields = fieldsOf(message);
        if (!patterns.every((pattern) => fields.some(({ text }) => pattern.test(text)))) continue;
        // Quote the field where the first word shows (the answer before the reasoning, the question before its files).
        const quoted = firstMatch(fields, patterns[0]!);
        if (!quoted) continue;
        if (hits.length === limit) return { hits, truncated: true };
        hits.push({ conversationId: conversation.id, title: conversation.title, messageId: message.id, ...quoted });
        if (++inConversation === HITS_PER_CONVERSATION) break;
      }
    }
    if (inConversation > 0) continue;
    const title = conversation.title.toLowerCase();
    if (!lowered.every((term) => title.includes(term))) continue;
    const quoted = firstMatch([{ field: "title", text: conversation.title }], patterns[0]!);
    if (!quoted) continue;
    if (hits.length === limit) return { hits, truncated: true };
    hits.push({ conversationId: conversation.id, title: conversation.title, messageId: null, ...quoted });
  }
  return { hits, truncated: false };
}

function fieldsOf(message: Message): Field[] {
  if (message.role === "assistant") {
    return [
      { field: "answer", text: message.answer },
      { field: "reasoning", text: message.thought },
    ];
  }
  const files = (message.attachments ?? []).flatMap((file): Field[] => [
    { field: "attachment", text: file.name, fileName: file.name },
    { field: "attachment", text: file.content, fileName: file.name },
  ]);
  return [{ field: "question", text: message.text }, ...files];
}

function firstMatch(fields: Field[], pattern: RegExp): Omit<SearchHit, "conversationId" | "title" | "messageId"> | undefined {
  for (const { field, text, fileName } of fields) {
    const found = pattern.exec(text);
    if (found) return { field, ...(fileName !== undefined ? { fileName } : {}), ...snippetAround(text, found.index, found[0].length) };
  }
  return undefined;
}

export function haystackOf(messages: Message[]): string {
  return messages
    .map((m) => (m.role === "user" ? [m.text, ...(m.attachments ?? []).flatMap((file) => [file.name, file.content])].join("\n") : `${m.answer}\n${m.thought}`))
    .join("\n")
    .toLowerCase();
}

export function snippetAround(text: string, index: number, length: number): { snippet: string; match: SearchHit["match"] } {
  let from = Math.max(0, index - BEFORE);
  let to = Math.min(text.length, index + length + AFTER);
  // Start and end on word boundaries where one is near.
  if (from > 0) {
    const space = text.indexOf(" ", from);
    if (space !== -1 && space < index) from = space + 1;
  }
  if (to < text.length) {
    const space = text.lastIndexOf(" ", to);
    if (space > index + length) to = space;
  }
  const collapse = (s: string) => s.replace(/\s+/g, " ");
  const before = (from > 0 ? "…" : "") + collapse(text.slice(from, index)).trimStart();
  const matched = collapse(text.slice(index, index + length));
  const after = collapse(text.slice(index + length, to)).trimEnd() + (to < text.length ? "…" : "");
  return { snippet: before + matched + after, match: { start: before.length, length: matched.length } };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
