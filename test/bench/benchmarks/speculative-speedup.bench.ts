// Speculative decoding: generation speed of a slow scripted target (scripted-r1-long-slow, 24
// blocks, about 700 MB of F16) with its small agreeing draft (scripted-r1-long: same tokenizer and
// script, one block) against the same target without a draft, same run, paired rounds, each in its
// own engine process. Greedy; the output must be the same text both ways. Target ≥ 1.5.
import { ensureFixture } from "../../fixtures/models.js";
import { CoreHarness, runGeneration } from "../../support/engine/harness.js";
import { defineBenchmark } from "../harness.js";

interface State {
  drafted: CoreHarness;
  plain: CoreHarness;
  acceptance: number[];
  text: { drafted?: string; plain?: string };
}

const GENERATED_TOKENS = 192;
const greedy = { temperature: 0, topP: 1, maxTokens: GENERATED_TOKENS };

async function tokensPerSecond(harness: CoreHarness, round: number): Promise<{ speed: number; text: string; accepted: number | null; refuted: number | null }> {
  const { done } = await runGeneration(harness.engine, { turns: [{ role: "user", content: `Question ${round}: what is seven?` }], options: greedy });
  const metrics = done.metrics;
  if (!metrics?.generationTokensPerSecond) throw new Error(`No generation speed (${done.stopReason}: ${done.message})`);
  return {
    speed: metrics.generationTokensPerSecond,
    text: done.thought + done.answer,
    accepted: metrics.draftAcceptedTokens ?? null,
    refuted: metrics.draftRefutedTokens ?? null,
  };
}

export default defineBenchmark<State>({
  name: "speculative-speedup",
  metric: `generation speed with a small agreeing draft vs none (scripted-r1-long-slow, ${GENERATED_TOKENS} tokens)`,
  unit: "tok/s",
  higherIsBetter: true,
  warmup: 1,
  repetitions: 5,
  async setup() {
    const [target, draft] = [await ensureFixture("scripted-r1-long-slow"), await ensureFixture("scripted-r1-long")];
    const drafted = await CoreHarness.start();
    const plain = await CoreHarness.start();
    await drafted.load({ path: target, contextSize: 1024, draftPath: draft });
    await plain.load({ path: target, contextSize: 1024, draftPath: null });
    return { drafted, plain, acceptance: [], text: {} };
  },
  async app(state, round) {
    const run = await tokensPerSecond(state.drafted, round);
    const drafted = (run.accepted ?? 0) + (run.refuted ?? 0);
    if (round >= 0 && drafted > 0) state.acceptance.push((run.accepted ?? 0) / drafted);
    state.text.drafted = run.text;
    return run.speed;
  },
  async reference(state, round) {
    const run = await tokensPerSecond(state.plain, round);
    state.text.plain = run.text;
    return run.speed;
  },
  async teardown(state) {
    await state.drafted.close();
    await state.plain.close();
  },
  extra: (state) => ({
    target: "scripted-r1-long-slow",
    draft: "scripted-r1-long",
    generated_tokens: GENERATED_TOKENS,
    draft_acceptance_rate: state.acceptance,
    same_output: state.text.drafted === state.text.plain,
    target_ratio: 1.5,
  }),
});
