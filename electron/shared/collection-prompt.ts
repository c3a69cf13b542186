import type { Citation } from "./contract/chat.js";

/**
 * How passages retrieved from collections go into a user turn: DeepSeek's template for R1 with
 * search results (the model card's "official prompt for web search"), with sources in place of
 * web pages. Each source is numbered; the answer cites them as [citation:N], and the numbers are
 * kept with the stored answer (file and lines), so a citation opens the right place.
 */
export function sourceBlock(citation: Pick<Citation, "n" | "display" | "startLine" | "endLine" | "heading">, text: string): string {
  const where = `${citation.display}, lines ${citation.startLine}-${citation.endLine}${citation.heading ? ` (${citation.heading})` : ""}`;
  return `[source ${citation.n} begin]\n[source ${citation.n} is]: ${where}\n${text}\n[source ${citation.n} end]\n`;
}

/** The user turn the model reads: the sources, the instructions DeepSeek gives with them, then the question. */
export function retrievalTurnText(question: string, blocks: string[]): string {
  if (blocks.length === 0) return question;
  return `# The following contents are passages from the user's documents related to the user's message:
${blocks.join("")}
In the passages I provide to you, each one is formatted as [source X begin]...[source X end], where X is its number. Please cite the passages at the end of the relevant sentence when appropriate. Use the citation format [citation:X] in the corresponding part of your answer. If a sentence is derived from several passages, list all relevant citation numbers, such as [citation:3][citation:5].
Not every passage is closely related to the question; weigh them and use only those that answer it. If none does, say so.
# The user's message is:
${question}`;
}
