// Prompts of a given length in the model's own tokens, for the peer benchmarks at long context:
// llama-server's /tokenize counts them (the same tokenizer the app's engine loads).
import type { PeerBenchState } from "./peer-bench.js";

const PROSE =
  "The library stands at the end of a long street lined with plane trees. Every morning the keeper opens " +
  "the shutters, sweeps the steps, and writes the date on a slate by the door. Readers come and go; some " +
  "stay all day at the long tables under the windows, others borrow a book and leave without a word. ";

async function countTokens(state: PeerBenchState, text: string): Promise<number> {
  const response = await fetch(`${state.server.url}/tokenize`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ content: text }),
  });
  if (!response.ok) throw new Error(`llama-server /tokenize: HTTP ${response.status}`);
  return ((await response.json()) as { tokens: unknown[] }).tokens.length;
}

/**
 * A user message of about `tokens` tokens that starts with the round's marker, so neither side can
 * reuse the last round's prompt: found by growing whole sentences, then trimming words.
 */
export async function promptOfTokens(state: PeerBenchState, round: number, tokens: number): Promise<string> {
  const marker = `Round ${round + 100}. `;
  const perCopy = await countTokens(state, PROSE);
  const words = (marker + PROSE.repeat(Math.ceil(tokens / perCopy) + 1)).split(" ");
  let low = 1;
  let high = words.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if ((await countTokens(state, words.slice(0, middle).join(" "))) <= tokens) low = middle;
    else high = middle - 1;
  }
  return words.slice(0, low).join(" ");
}
