import { userTurnText } from "../../shared/attachment-prompt.js";
import { retrievalTurnText, sourceBlock } from "../../shared/collection-prompt.js";
import type { ChatTurn, Citation, ResolvedGenerationOptions } from "../../shared/contract/chat.js";
import type { GenerationEngine } from "../generation/generation-engine.js";
import { AppError } from "../kernel/errors.js";

/** A passage found in a collection, as chat needs it (the collections capability provides these). */
export interface FoundPassage {
  collectionId: string;
  file: string;
  display: string;
  startLine: number;
  endLine: number;
  heading?: string;
  text: string;
}

/** Where chat finds passages; composition links it to the collections capability. */
export interface PassageSource {
  find(collectionIds: string[], question: string, limit: number, signal?: AbortSignal): Promise<{ mode: "hybrid" | "lexical"; passages: FoundPassage[] }>;
}

/** Passages asked for before fitting: more than ever fit a small context, few enough to count quickly. */
const CANDIDATES = 24;
/** What is kept for the reasoning and the answer when the request sets no maximum. */
const MIN_ANSWER_ROOM = 1024;
const TEMPLATE_TOKENS_PER_TURN = 4;

export interface PassagesForTurn {
  /** The turns as the model reads them: the last one carries the sources. */
  turns: ChatTurn[];
  citations: Citation[];
  /** For people: lexical-only retrieval, or passages that did not fit. */
  notices: string[];
}

/**
 * Finds passages for the last question and keeps, in rank order, those that fit the room left in
 * the context after the conversation, the question and the answer's reserve, each counted with the
 * loaded model's tokenizer. The model reads them as numbered sources in DeepSeek's template.
 */
export async function passagesForTurn(
  engine: Pick<GenerationEngine, "countTokens">,
  source: PassageSource,
  collectionIds: string[],
  turns: ChatTurn[],
  options: ResolvedGenerationOptions,
  signal?: AbortSignal,
): Promise<PassagesForTurn> {
  const question = turns.at(-1)!;
  if (!engine.countTokens)
    throw new AppError("unavailable", "Asking a collection needs the model's tokenizer to fit the passages; load a model on this computer.");
  const found = await source.find(collectionIds, question.content, CANDIDATES, signal);
  const notices = found.mode === "lexical" ? ["No embedding model is set: passages were found by their words alone (lexical retrieval)."] : [];
  const candidates = found.passages.map((passage, i) => {
    const citation: Citation = {
      n: i + 1,
      collectionId: passage.collectionId,
      file: passage.file,
      display: passage.display,
      startLine: passage.startLine,
      endLine: passage.endLine,
      ...(passage.heading ? { heading: passage.heading } : {}),
    };
    return { citation, text: passage.text, block: sourceBlock(citation, passage.text) };
  });
  const withoutSources = retrievalTurnText(question.content, ["\n"]);
  const earlier = turns.slice(0, -1).map((turn) => (turn.role === "user" ? userTurnText(turn) : turn.content));
  const asked = userTurnText({ ...question, content: withoutSources });
  const { counts, contextSize } = await engine.countTokens([asked, ...earlier, ...candidates.map((c) => c.block)]);
  const fixed = counts.slice(0, turns.length).reduce((sum, n) => sum + n, 0) + TEMPLATE_TOKENS_PER_TURN * turns.length;
  const reserve = options.maxTokens ?? Math.max(MIN_ANSWER_ROOM, Math.floor(contextSize / 4));
  let room = contextSize - fixed - reserve;
  const kept: typeof candidates = [];
  candidates.forEach((candidate, i) => {
    const tokens = counts[turns.length + i]!;
    if (tokens > room) return;
    room -= tokens;
    kept.push(candidate);
  });
  if (kept.length < candidates.length && candidates.length > 0)
    notices.push(`${kept.length} of the ${candidates.length} passages found fit the room left in the context (${contextSize} tokens).`);
  // Numbered again in the order kept, so the sources the model reads are 1…n (a number's digits are all that changes).
  const citations = kept.map(({ citation }, i) => ({ ...citation, n: i + 1 }));
  const blocks = kept.map(({ text }, i) => sourceBlock(citations[i]!, text));
  const last: ChatTurn = { ...question, content: retrievalTurnText(question.content, blocks) };
  return { turns: [...turns.slice(0, -1), last], citations, notices };
}
