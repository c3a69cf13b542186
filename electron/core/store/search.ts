import type { Message, SearchHit } from "../../shared/contract/conversations.js";

const BEFORE = 50;
const AFTER = 110;
const HITS_PER_CONVERSATION = 3;

/** What search needs of a conversation: its messages and a lower-cased copy of all their text. */
export interface Searchable {
  id: string;
  title: string;
  messages: Message[];
  /** Every question, reasoning and answer, lower-cased and joined; cached by the store until the conversation changes. */
  haystack(): string;
}

/**
 * Full-text search by scanning, newest conversations first. A conversation is first tested with
 * indexOf on its cached lower-cased text (V8 scans that at memory speed); only conversations that
 * contain every word are searched message by message with a case-insensitive pattern. There is no
 * index to build, store or repair; at 100,000 messages a search stays within the 200 ms budget
 * (see the store-scale benchmark).
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
    if (!lowered.every((term) => haystack.includes(term))) continue;
    let inConversation = 0;
    for (const message of conversation.messages) {
      const fields: Array<[SearchHit["field"], string]> =
        message.role === "user"
          ? [["question", message.text]]
          : [
              ["answer", message.answer],
              ["reasoning", message.thought],
            ];
      if (!patterns.every((pattern) => fields.some(([, text]) => pattern.test(text)))) continue;
      // Quote the field where the first word shows, preferring the answer over the reasoning.
      for (const [field, text] of fields) {
        const found = patterns[0]!.exec(text);
        if (!found) continue;
        if (hits.length === limit) return { hits, truncated: true };
        hits.push({
          conversationId: conversation.id,
          title: conversation.title,
          messageId: message.id,
          field,
          ...snippetAround(text, found.index, found[0].length),
        });
        break;
      }
      if (++inConversation === HITS_PER_CONVERSATION) break;
    }
  }
  return { hits, truncated: false };
}

export function haystackOf(messages: Message[]): string {
  return messages
    .map((m) => (m.role === "user" ? m.text : `${m.answer}\n${m.thought}`))
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
