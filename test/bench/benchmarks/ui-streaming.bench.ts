// The chat view in real Chromium while a 20,000-token reasoning trace (prose, code and math) streams
// at 200 tokens/s, against the same page idle. Metric: 95th-percentile frame time. Targets: p95 frame
// ≤ 16.7 ms and no main-thread task over 50 ms while streaming (Jan freezes near 5,000 tokens).
import { defineBenchmark } from "../harness.js";
import { StreamingBench, type FrameFigures } from "../../ui/support/streaming-benchmark.js";

const TOKENS = Number(process.env.UI_STREAMING_TOKENS ?? 20_000);
const TOKENS_PER_SECOND = 200;
const IDLE_MS = 5000;

interface State {
  bench: StreamingBench;
  streaming: FrameFigures[];
  idle: FrameFigures[];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export default defineBenchmark<State>({
  name: "ui-streaming",
  metric: `p95 frame time, streaming ${TOKENS} reasoning tokens at ${TOKENS_PER_SECOND} tok/s vs idle`,
  unit: "ms",
  higherIsBetter: false,
  // Each streaming round lasts TOKENS / 200 seconds (100 s for 20,000 tokens).
  warmup: 0,
  repetitions: 3,
  secondaryUnits: { longest_task_ms: "ms", longest_task_cpu_ms: "ms", long_tasks: "count" },
  async setup() {
    return { bench: await StreamingBench.start(), streaming: [], idle: [] };
  },
  async app(state) {
    const run = await state.bench.streaming(TOKENS, TOKENS_PER_SECOND);
    state.streaming.push(run);
    return { value: run.p95FrameMs, secondary: { longest_task_ms: run.longestTaskMs, longest_task_cpu_ms: run.longestTaskCpuMs, long_tasks: run.longTasks } };
  },
  async reference(state) {
    const run = await state.bench.idle(IDLE_MS);
    state.idle.push(run);
    return { value: run.p95FrameMs, secondary: { longest_task_ms: run.longestTaskMs, longest_task_cpu_ms: run.longestTaskCpuMs, long_tasks: run.longTasks } };
  },
  async teardown(state) {
    await state.bench.close();
  },
  extra: (state) => ({
    p95_frame_ms: median(state.streaming.map((r) => r.p95FrameMs)),
    longest_task_ms: Math.max(0, ...state.streaming.map((r) => r.longestTaskMs)),
    longest_task_cpu_ms: Math.max(0, ...state.streaming.map((r) => r.longestTaskCpuMs)),
    idle_p95_frame_ms: median(state.idle.map((r) => r.p95FrameMs)),
    idle_longest_task_ms: Math.max(0, ...state.idle.map((r) => r.longestTaskMs)),
    idle_longest_task_cpu_ms: Math.max(0, ...state.idle.map((r) => r.longestTaskCpuMs)),
    tokens: TOKENS,
    tokens_per_second: TOKENS_PER_SECOND,
    load_average: state.streaming.map((r) => r.loadAverage),
    target: "p95_frame_ms <= 16.7 and no task over 50 ms",
    note: "longest_task_ms is wall-clock (PerformanceObserver long tasks, 50 ms or more); on a machine shared with other work it includes time the page was descheduled. longest_task_cpu_ms is the same tasks' main-thread CPU time from a Chromium trace.",
    browser: "Debian Chromium, headless, --disable-gpu (software raster)",
  }),
});
