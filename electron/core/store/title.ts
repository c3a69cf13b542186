export const UNTITLED = "New conversation";
const MAX_TITLE = 60;

/**
 * A conversation's title from its first question: the first line that has words, without Markdown
 * markers, cut at a word near 60 characters. Only the user's text is used, never the reasoning.
 */
export function titleFromQuestion(question: string): string {
  const line = question
    .split(/\r?\n/)
    .map((l) =>
      l
        .replace(/^\s*(#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)/, "")
        .replace(/[`*_~]+/g, "")
        .replace(/\s+/g, " ")
        .trim(),
    )
    .find((l) => l.length > 0);
  if (!line) return UNTITLED;
  if (line.length <= MAX_TITLE) return line;
  const cut = line.slice(0, MAX_TITLE);
  const lastSpace = cut.lastIndexOf(" ");
  return `${(lastSpace >= MAX_TITLE / 2 ? cut.slice(0, lastSpace) : cut).replace(/[\s,.;:!?-]+$/, "")}…`;
}
