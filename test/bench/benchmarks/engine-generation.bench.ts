// Generation speed through the whole app path (chat.send → core → engine process → chat.delta /
// chat.done events) against raw in-process node-llama-cpp: same model (bench-q8_0), threads,
// context, prompt length (~512 tokens, evaluated afresh each round) and greedy sampling. Target ≥ 0.97.
// Steady enough to tell 3% apart on a 2-core machine: long generations (512 tokens), 9 rounds with
// the two sides back to back in alternating order, judged by the median of the per-round ratios
// (`paired_ratio`, with its spread) rather than the ratio of medians.
import { defineBenchmark } from "../harness.js";
import { measureRawGenerationOn } from "../llama-raw.js";
import {
  BENCH_CONTEXT_SIZE,
  BENCH_PROMPT_TOKENS,
  runAppRound,
  setUpEngineBench,
  tearDownEngineBench,
  type EngineBenchState,
} from "../../support/engine/bench-app.js";

const GENERATE_TOKENS = 512;

export default defineBenchmark<EngineBenchState>({
  name: "engine-generation",
  metric: "generation tokens per second (app path vs raw node-llama-cpp, bench-q8_0)",
  unit: "tok/s",
  higherIsBetter: true,
  warmup: 1,
  repetitions: 9,
  secondaryUnits: { ttft_ms: "ms" },
  setup: setUpEngineBench,
  async app(state, round) {
    const run = await runAppRound(state, round, GENERATE_TOKENS);
    return { value: run.generationTokensPerSecond, secondary: { ttft_ms: run.ttftMs } };
  },
  async reference(state) {
    const run = await measureRawGenerationOn(state.raw, { promptTokens: BENCH_PROMPT_TOKENS, generateTokens: GENERATE_TOKENS });
    return { value: run.generationTokensPerSecond, secondary: { ttft_ms: run.timeToFirstTokenMs } };
  },
  teardown: tearDownEngineBench,
  extra: (state) => ({
    model: "bench-q8_0",
    backend: "cpu",
    gpu_layers: state.gpuLayers,
    threads: state.threads,
    prompt_tokens: state.promptTokens,
    generate_tokens: GENERATE_TOKENS,
    context_size: BENCH_CONTEXT_SIZE,
    target_ratio: 0.97,
  }),
});
