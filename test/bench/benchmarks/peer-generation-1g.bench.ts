// peer-generation on a generated model of about 1 GB (bench-1g-q8_0, ~928M parameters in Q8_0),
// where reading the weights, not the per-token overhead, sets the pace. Target ≥ 0.97.
import { definePeerBenchmark } from "../../support/engine/peer-benchmark.js";

export default definePeerBenchmark({ name: "peer-generation-1g", fixture: "bench-1g-q8_0", generateTokens: 128, repetitions: 5 });
