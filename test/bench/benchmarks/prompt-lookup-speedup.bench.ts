// Prompt-lookup decoding: a code-editing style turn (code pasted in a fence that the answer repeats)
// on a slow scripted target (scripted-r1-characters-slow: 24 blocks of zero weights, about 700 MB of
// F16, reasoning in one token per character as the pasted text tokenizes), with prompt lookup on
// against off (setting speculativeDecoding), same run, paired rounds, each in its own engine process.
import { CHARACTER_SCRIPT_ANSWER, CHARACTER_SCRIPT_THOUGHT, ensureFixture } from "../../fixtures/models.js";
import { CoreHarness, runGeneration } from "../../support/engine/harness.js";
import { defineBenchmark } from "../harness.js";

interface State {
  lookup: CoreHarness;
  plain: CoreHarness;
  acceptance: number[];
  text: { lookup?: string; plain?: string };
}

const greedy = { temperature: 0, topP: 1 };
const codeEdit = (round: number) => ({
  role: "user" as const,
  content: `Round ${round}: keep this line as it is, then explain it.\n\`\`\`\n${CHARACTER_SCRIPT_THOUGHT}\n${CHARACTER_SCRIPT_ANSWER}\n\`\`\``,
});

async function start(promptLookup: boolean, target: string): Promise<CoreHarness> {
  const harness = await CoreHarness.start();
  await harness.call("settings.update", { patch: { speculativeDecoding: promptLookup } });
  await harness.load({ path: target, contextSize: 1024, draftPath: null });
  return harness;
}

async function run(harness: CoreHarness, round: number) {
  const { done } = await runGeneration(harness.engine, { turns: [codeEdit(round)], options: greedy });
  const metrics = done.metrics;
  if (!metrics?.generationTokensPerSecond) throw new Error(`No generation speed (${done.stopReason}: ${done.message})`);
  return {
    speed: metrics.generationTokensPerSecond,
    text: done.thought + done.answer,
    accepted: metrics.draftAcceptedTokens ?? 0,
    refuted: metrics.draftRefutedTokens ?? 0,
  };
}

export default defineBenchmark<State>({
  name: "prompt-lookup-speedup",
  metric: "generation speed of a code-editing turn with prompt lookup vs without (scripted-r1-characters-slow)",
  unit: "tok/s",
  higherIsBetter: true,
  warmup: 1,
  repetitions: 5,
  async setup() {
    const target = await ensureFixture("scripted-r1-characters-slow");
    return { lookup: await start(true, target), plain: await start(false, target), acceptance: [], text: {} };
  },
  async app(state, round) {
    const result = await run(state.lookup, round);
    if (round >= 0 && result.accepted + result.refuted > 0) state.acceptance.push(result.accepted / (result.accepted + result.refuted));
    state.text.lookup = result.text;
    return result.speed;
  },
  async reference(state, round) {
    const result = await run(state.plain, round);
    state.text.plain = result.text;
    return result.speed;
  },
  async teardown(state) {
    await state.lookup.close();
    await state.plain.close();
  },
  extra: (state) => ({
    target: "scripted-r1-characters-slow",
    draft_acceptance_rate: state.acceptance,
    same_output: state.text.lookup === state.text.plain,
  }),
});
