// Clients side by side: the time to first token of a 5th client while 4 generate, through the app's
// local API (4 API sequences: the 5th waits in the queue for one) against llama-server --parallel 4
// (the 5th waits for a slot), bench-q8_0, same threads. Reported with p50 and p95.
import { defineBenchmark } from "../harness.js";
import { setUpPeerBench, tearDownPeerBench, type PeerBenchState } from "../../support/engine/peer-bench.js";
import { CONTEXT_SIZE, PARALLEL_TOKENS, percentile, ttftBehind } from "../../support/engine/parallel-bench.js";

const BUSY = 4;

interface State extends PeerBenchState {
  samples: { app: number[]; reference: number[] };
}

export default defineBenchmark<State>({
  name: "queue-latency",
  metric: `time to first token of a 5th client while ${BUSY} generate (app's local API vs llama-server --parallel ${BUSY}, bench-q8_0)`,
  unit: "ms",
  higherIsBetter: false,
  warmup: 1,
  repetitions: Number(process.env.PARALLEL_BENCH_ROUNDS ?? 5),
  setup: async () => ({ ...(await setUpPeerBench("bench-q8_0", CONTEXT_SIZE, BUSY)), samples: { app: [], reference: [] } }),
  async app(state, round) {
    const ms = await ttftBehind(state.app, round, BUSY);
    state.samples.app.push(ms);
    return ms;
  },
  async reference(state, round) {
    const ms = await ttftBehind(state.peer, round + 100, BUSY);
    state.samples.reference.push(ms);
    return ms;
  },
  teardown: tearDownPeerBench,
  extra: (state) => ({
    model: "bench-q8_0",
    busy_clients: BUSY,
    threads: state.threads,
    tokens_per_busy_client: PARALLEL_TOKENS * 2,
    // Warm-up rounds included: few rounds, and each is a real wait.
    app_ms: { p50: percentile(state.samples.app, 50), p95: percentile(state.samples.app, 95) },
    llama_server_ms: { p50: percentile(state.samples.reference, 50), p95: percentile(state.samples.reference, 95) },
  }),
});
