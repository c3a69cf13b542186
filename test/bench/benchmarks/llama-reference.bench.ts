// The baseline later benchmarks are held to: raw in-process node-llama-cpp on the bench model,
// a 512-token prompt then 128 generated tokens. Its "app" and "reference" are the same measure, so
// its ratio shows how much the machine alone varies between alternating runs.
import { ensureFixture } from "../../fixtures/models.js";
import { defineBenchmark } from "../harness.js";
import { loadRawModel, measureRawGenerationOn } from "../llama-raw.js";
import type { RawModel } from "../llama-raw.js";

const PROMPT_TOKENS = 512;
const GENERATE_TOKENS = 128;
const CONTEXT_SIZE = 1024;

async function measure(raw: RawModel) {
  const result = await measureRawGenerationOn(raw, { promptTokens: PROMPT_TOKENS, generateTokens: GENERATE_TOKENS });
  return {
    value: result.generationTokensPerSecond,
    secondary: { prompt_tokens_per_s: result.promptTokensPerSecond, ttft_ms: result.timeToFirstTokenMs },
  };
}

export default defineBenchmark<RawModel>({
  name: "llama-reference",
  metric: "generation tokens per second (raw node-llama-cpp, bench-q8_0)",
  unit: "tok/s",
  higherIsBetter: true,
  warmup: 1,
  repetitions: 5,
  secondaryUnits: { prompt_tokens_per_s: "tok/s", ttft_ms: "ms" },
  async setup() {
    return loadRawModel({ modelPath: await ensureFixture("bench-q8_0"), contextSize: CONTEXT_SIZE });
  },
  app: measure,
  reference: measure,
  teardown: (raw) => raw.dispose(),
  extra: (raw) => ({
    model: "bench-q8_0",
    threads: raw.threads,
    prompt_tokens: PROMPT_TOKENS,
    generate_tokens: GENERATE_TOKENS,
    context_size: CONTEXT_SIZE,
    load_ms: raw.loadMs,
  }),
});
