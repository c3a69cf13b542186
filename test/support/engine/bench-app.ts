// The app's side of the engine benchmarks: a prompt sent with chat.send through the core's
// dispatcher, generated in the engine process, timed where the app sees it — the chat.delta and
// chat.done events.
import { ensureFixture } from "../../fixtures/models.js";
import { loadRawModel, type RawModel } from "../../bench/llama-raw.js";
import { CoreHarness } from "./harness.js";

/** Room for the 512-token prompt and engine-generation's 512 generated tokens, with no context shift. */
export const BENCH_CONTEXT_SIZE = 2048;
export const BENCH_PROMPT_TOKENS = 512;

const PROSE =
  "The library stands at the end of a long street lined with plane trees. Every morning the keeper opens " +
  "the shutters, sweeps the steps, and writes the date on a slate by the door. Readers come and go; some " +
  "stay all day at the long tables under the windows, others borrow a book and leave without a word. ";

export interface EngineBenchState {
  harness: CoreHarness;
  raw: RawModel;
  threads: number;
  /** A user message that makes the whole chat prompt about BENCH_PROMPT_TOKENS tokens. */
  promptText: string;
  promptTokens: number;
  gpuLayers: number;
}

export async function setUpEngineBench(): Promise<EngineBenchState> {
  const modelPath = await ensureFixture("bench-q8_0");
  // One thread on both sides: on a shared machine two llama.cpp threads spin-wait on each other and
  // the figures swing tenfold; one thread measures the app's overhead far more steadily.
  const raw = await loadRawModel({ modelPath, contextSize: BENCH_CONTEXT_SIZE, threads: Number(process.env.R1_BENCH_THREADS ?? 1) });
  const harness = await CoreHarness.start();
  const model = await harness.load({ path: modelPath, contextSize: BENCH_CONTEXT_SIZE, family: "other" });
  await setThreads(harness, modelPath, raw.threads);
  // Room for the template's few tokens and a round marker: the rendered prompt lands near 512.
  let text = "";
  while (raw.model.tokenize(text).length < BENCH_PROMPT_TOKENS) text += PROSE;
  const promptText = raw.model.detokenize(raw.model.tokenize(text).slice(0, BENCH_PROMPT_TOKENS - 12));
  return { harness, raw, threads: raw.threads, promptText, promptTokens: BENCH_PROMPT_TOKENS, gpuLayers: model.gpuLayers };
}

async function setThreads(harness: CoreHarness, modelPath: string, threads: number): Promise<void> {
  // Same threads and cache as the reference (llama.cpp's F16 default): reload with them.
  const { jobId } = (await harness.call("engine.load", { path: modelPath, contextSize: BENCH_CONTEXT_SIZE, threads, family: "other", kvCacheType: "f16" })) as {
    jobId: string;
  };
  const loaded = await harness.waitFor("engine.loaded", (e) => e.jobId === jobId);
  if (loaded.model.threads !== threads) throw new Error(`The engine runs ${loaded.model.threads} threads, the reference ${threads}`);
}

export interface AppRun {
  /** From chat.send to the first chat.delta with text, as the app sees it. */
  ttftMs: number;
  /** Generated tokens after the first, over the time from the first delta to chat.done. */
  generationTokensPerSecond: number;
  generatedTokens: number;
  promptTokensEvaluated: number;
  /** The engine's own time to first token (from receiving the request): the rest is transport. */
  engineTtftMs: number;
}

/**
 * One response through the app's path. Each round's prompt starts differently, so the engine
 * evaluates the whole prompt again, as the reference does on its cleared sequence.
 */
export async function runAppRound(state: EngineBenchState, round: number, generateTokens: number): Promise<AppRun> {
  const { harness } = state;
  let jobId: string | undefined;
  let firstDeltaAt = 0;
  const early: Array<{ name: string; payload: { jobId?: string }; at: number }> = [];
  let resolveDone!: (done: { at: number; payload: DonePayload }) => void;
  const done = new Promise<{ at: number; payload: DonePayload }>((resolve) => (resolveDone = resolve));
  const see = (name: string, payload: { jobId?: string }, at: number) => {
    if (payload.jobId !== jobId) return;
    if (name === "chat.delta" && !firstDeltaAt) firstDeltaAt = at;
    if (name === "chat.done") resolveDone({ at, payload: payload as DonePayload });
  };
  // Events can arrive before chat.send's reply gives the job id: keep them until it is known.
  const unsubscribe = harness.onEvent((event) => {
    const at = performance.now();
    if (jobId === undefined) early.push({ name: event.name, payload: event.payload as { jobId?: string }, at });
    else see(event.name, event.payload as { jobId?: string }, at);
  });
  const started = performance.now();
  try {
    ({ jobId } = (await harness.call("chat.send", {
      prompt: `Round ${round + 100}. ${state.promptText}`,
      options: { temperature: 0, maxTokens: generateTokens },
    })) as { jobId: string });
    for (const event of early) see(event.name, event.payload, event.at);
    const end = await done;
    if (end.payload.stopReason !== "max-tokens" || !end.payload.metrics) throw new Error(`Unexpected end: ${end.payload.stopReason} ${end.payload.message}`);
    const generated = end.payload.metrics.generatedTokens;
    return {
      ttftMs: firstDeltaAt - started,
      generationTokensPerSecond: (generated - 1) / ((end.at - firstDeltaAt) / 1000),
      generatedTokens: generated,
      promptTokensEvaluated: end.payload.metrics.promptTokens - end.payload.metrics.cachedPromptTokens,
      engineTtftMs: end.payload.metrics.ttftMs ?? Number.NaN,
    };
  } finally {
    unsubscribe();
  }
}

type DonePayload = {
  metrics: { generatedTokens: number; promptTokens: number; cachedPromptTokens: number; ttftMs: number | null } | null;
  stopReason: string;
  message: string | null;
};

export async function tearDownEngineBench(state: EngineBenchState): Promise<void> {
  await state.harness.close();
  await state.raw.dispose();
}
