// The app's local API against llama.cpp's own llama-server (built from the llama.cpp source
// node-llama-cpp ships) on bench-q8_0: same model, threads (the app's own measured choice), greedy
// sampling and prompt, in the same run. Target ≥ 0.97 (paired ratio).
import { definePeerBenchmark } from "../../support/engine/peer-benchmark.js";

export default definePeerBenchmark({ name: "peer-generation", fixture: "bench-q8_0", generateTokens: 384, repetitions: 7 });
