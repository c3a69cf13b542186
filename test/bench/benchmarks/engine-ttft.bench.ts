// Time to first token through the whole app path (chat.send → core → engine process → first
// chat.delta) against raw in-process node-llama-cpp on the same ~512-token prompt, evaluated afresh
// each round. Target: the app adds at most 15 ms (`overhead_ms`, medians).
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

type State = EngineBenchState & { app: number[]; reference: number[]; transport: number[] };

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export default defineBenchmark<State>({
  name: "engine-ttft",
  metric: "time to first token (app path vs raw node-llama-cpp, bench-q8_0, 512-token prompt)",
  unit: "ms",
  higherIsBetter: false,
  warmup: 1,
  repetitions: 9,
  secondaryUnits: { engine_ttft_ms: "ms" },
  async setup() {
    return { ...(await setUpEngineBench()), app: [], reference: [], transport: [] };
  },
  async app(state, round) {
    const run = await runAppRound(state, round, 2);
    if (round >= 0) {
      state.app.push(run.ttftMs);
      state.transport.push(run.ttftMs - run.engineTtftMs);
    }
    return { value: run.ttftMs, secondary: { engine_ttft_ms: run.engineTtftMs } };
  },
  async reference(state, round) {
    const run = await measureRawGenerationOn(state.raw, { promptTokens: BENCH_PROMPT_TOKENS, generateTokens: 2 });
    if (round >= 0) state.reference.push(run.timeToFirstTokenMs);
    return { value: run.timeToFirstTokenMs, secondary: { engine_ttft_ms: run.timeToFirstTokenMs } };
  },
  teardown: tearDownEngineBench,
  extra: (state) => ({
    model: "bench-q8_0",
    backend: "cpu",
    threads: state.threads,
    prompt_tokens: state.promptTokens,
    context_size: BENCH_CONTEXT_SIZE,
    // Paired by round (the two sides run back to back), so machine drift largely cancels.
    overhead_ms: median(state.app.map((app, i) => app - state.reference[i]!)),
    // What the app adds outside llama.cpp's own work: dispatch, IPC both ways, events.
    transport_overhead_ms: median(state.transport),
    target_overhead_ms: 15,
  }),
});
