// Returning to a long conversation (about 3.8K tokens of history, bench-q8_0, 4K context) after
// another one took the engine's context: time to first token with the conversation's saved state
// loaded from disk (core/saved-context, checked by size and SHA-256) against evaluating its history
// again, both through the app's engine service, same run. Target ≤ 0.2.
import type { ChatTurn } from "../../../electron/shared/contract/chat.js";
import { ensureFixture } from "../../fixtures/models.js";
import { CoreHarness, runGeneration } from "../../support/engine/harness.js";
import { defineBenchmark } from "../harness.js";

interface State {
  harness: CoreHarness;
  history: ChatTurn[];
  restoredTokens: number[];
}

const CONTEXT_SIZE = 4096;
const greedy = { temperature: 0, topP: 1, maxTokens: 2 };
// The bench vocabulary spells prose byte by byte: one token per character.
const HISTORY_CHARACTERS = 3_800;

/** Occupies the engine's context with another conversation. */
async function elsewhere(harness: CoreHarness): Promise<void> {
  await runGeneration(harness.engine, { conversationId: "elsewhere", turns: [{ role: "user", content: "Something else." }], options: greedy });
}

/** Time from asking to the first streamed text, for a new question at the end of the long conversation. */
async function timeToFirstToken(state: State, conversationId: string | null, round: number): Promise<{ ms: number; restored: number | null }> {
  await elsewhere(state.harness);
  const turns: ChatTurn[] = [...state.history, { role: "user", content: `Question ${round + 100}: and then?` }];
  const started = performance.now();
  let firstAt = 0;
  const run = await runGeneration(
    state.harness.engine,
    { conversationId, turns, options: greedy },
    { onEvent: (event) => void (event.type === "delta" && !firstAt && (firstAt = performance.now())) },
  );
  if (!firstAt) throw new Error(`No text streamed (${run.done.stopReason}: ${run.done.message})`);
  return { ms: firstAt - started, restored: "restoredStateTokens" in run.done ? (run.done.restoredStateTokens ?? null) : null };
}

export default defineBenchmark<State>({
  name: "conversation-resume",
  metric: "time to first token returning to a 3.8K-token conversation (saved state vs evaluated again, bench-q8_0)",
  unit: "ms",
  higherIsBetter: false,
  warmup: 1,
  repetitions: 7,
  async setup() {
    const harness = await CoreHarness.start({ savedContexts: { maxBytes: 2 ** 32 } });
    await harness.load({ path: await ensureFixture("bench-q8_0"), contextSize: CONTEXT_SIZE, family: "other" });
    const question = "The keeper opens the shutters and writes the date on a slate by the door. ".repeat(HISTORY_CHARACTERS / 75);
    const first = await runGeneration(harness.engine, {
      conversationId: "long",
      turns: [{ role: "user", content: question }],
      options: { ...greedy, maxTokens: 8 },
    });
    return {
      harness,
      history: [
        { role: "user", content: question },
        { role: "assistant", content: first.done.answer },
      ],
      restoredTokens: [],
    };
  },
  async app(state, round) {
    const { ms, restored } = await timeToFirstToken(state, "long", round);
    if (restored === null) throw new Error("The saved state was not used");
    if (round >= 0) state.restoredTokens.push(restored);
    return ms;
  },
  // No conversation id: nothing saved is offered, the history is evaluated as without the cache.
  reference: async (state, round) => (await timeToFirstToken(state, null, round)).ms,
  teardown: (state) => state.harness.close(),
  extra: (state) => ({
    model: "bench-q8_0",
    context_size: CONTEXT_SIZE,
    history_characters: HISTORY_CHARACTERS,
    restored_tokens: state.restoredTokens,
    target_ratio: 0.2,
  }),
});
