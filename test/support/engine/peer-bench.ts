// The app's local API against llama.cpp's own `llama-server` on the same model, threads and greedy
// sampling, both streamed over loopback HTTP and timed by the same client code: the comparison a
// user who could run llama-server (or an app built on it) instead would make.
import path from "node:path";
import type { AppCore } from "../../../electron/core/composition/app-core.js";
import type { FixtureName } from "../../fixtures/models.js";
import { ensureFixture } from "../../fixtures/models.js";
import { createTempCore } from "../core/temp-core.js";
import { callOk, waitForEvent } from "../core/wait-for-event.js";
import { freePort, startLlamaServer, type LlamaServer } from "../llama-server/llama-server.js";

/**
 * llama-server as built (build/scripts/build-llama-server.sh: this CPU's instruction sets, no AMX),
 * with its default weight repacking. Its Jinja chat parser fails part-way through the bench models'
 * random text ("does not match the expected Content-only format"; 64 tokens pass, 256 fail), so the
 * built-in template path is used (`--no-jinja`), which also skips separating reasoning: less work
 * than the app does.
 */
export const LLAMA_SERVER_ARGS = ["--no-jinja"];

export interface PeerBenchState {
  modelPath: string;
  core: AppCore;
  disposeCore: () => Promise<void>;
  server: LlamaServer;
  app: Endpoint;
  peer: Endpoint;
  /** The threads the app chose by itself (settings "auto") and llama-server is given, for generation and for prompts. */
  threads: number;
  batchThreads: number;
  threadsMeasurement: unknown;
  dataDir: string;
}

interface Endpoint {
  base: string;
  key: string;
  model: string;
}

export interface StreamRun {
  ttftMs: number;
  generationTokensPerSecond: number;
  completionTokens: number;
}

const PROSE =
  "The library stands at the end of a long street lined with plane trees. Every morning the keeper opens " +
  "the shutters, sweeps the steps, and writes the date on a slate by the door. ";

/** About `words` words of prose after a round marker, so each round evaluates its prompt afresh on both sides. */
export function peerPrompt(round: number, words: number): string {
  const text = Array.from({ length: Math.ceil(words / 30) }, () => PROSE).join("");
  return `Round ${round + 100}. ${text.split(" ").slice(0, words).join(" ")}`;
}

/**
 * `parallel`: the app loads that many API sequences (plus the window's own) and llama-server gets
 * `--parallel` with continuous batching and a slot of `contextSize` each.
 */
export async function setUpPeerBench(fixture: FixtureName, contextSize: number, parallel = 1): Promise<PeerBenchState> {
  const modelPath = await ensureFixture(fixture);
  const { core, dataDir, dispose: disposeCore } = await createTempCore();
  // The app as a user runs it: threads left on "auto", so it measures and picks them itself.
  const loaded = waitForEvent(core, "engine.loaded", () => true, 600_000);
  await callOk(core, "engine.load", { path: modelPath, contextSize, family: "other", ...(parallel > 1 ? { sequences: parallel + 1 } : {}) });
  const { model } = await loaded;
  await callOk(core, "settings.update", { patch: { apiServer: { enabled: true, port: await freePort() } } });
  const status = await callOk(core, "api.status", {});
  const server = await startLlamaServer({
    model: modelPath,
    threads: model.threads,
    batchThreads: model.batchThreads,
    contextSize: contextSize * parallel,
    args: parallel > 1 ? [...LLAMA_SERVER_ARGS, "--parallel", String(parallel), "--cont-batching"] : LLAMA_SERVER_ARGS,
  });
  return {
    modelPath,
    core,
    disposeCore,
    server,
    dataDir,
    app: { base: status.url!, key: status.apiKey, model: model.name },
    peer: { base: `${server.url}/v1`, key: "", model: path.basename(modelPath) },
    threads: model.threads,
    batchThreads: model.batchThreads ?? model.threads,
    threadsMeasurement: model.threadsMeasurement ?? null,
  };
}

export async function tearDownPeerBench(state: PeerBenchState): Promise<void> {
  await state.server.stop();
  await state.disposeCore();
}

interface Chunk {
  choices?: { delta?: { content?: string | null; reasoning_content?: string | null } }[];
  usage?: { completion_tokens?: number };
}

/** One streamed chat completion: time to the first text, then tokens per second after it (from the usage it reports). */
export async function streamCompletion(endpoint: Endpoint, prompt: string, maxTokens: number, onFirstToken?: () => void): Promise<StreamRun> {
  const started = performance.now();
  const response = await fetch(`${endpoint.base}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(endpoint.key ? { authorization: `Bearer ${endpoint.key}` } : {}) },
    body: JSON.stringify({
      model: endpoint.model,
      messages: [{ role: "user", content: prompt }],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0,
      max_tokens: maxTokens,
    }),
  });
  if (!response.ok || !response.body) throw new Error(`${endpoint.base}: HTTP ${response.status} ${await response.text()}`);
  let firstAt = 0;
  let completionTokens = 0;
  let buffered = "";
  const decoder = new TextDecoder();
  for await (const bytes of response.body) {
    buffered += decoder.decode(bytes as Uint8Array, { stream: true });
    const lines = buffered.split("\n");
    buffered = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
      const chunk = JSON.parse(line.slice(6)) as Chunk;
      const delta = chunk.choices?.[0]?.delta;
      if (!firstAt && (delta?.content || delta?.reasoning_content)) {
        firstAt = performance.now();
        onFirstToken?.();
      }
      if (chunk.usage?.completion_tokens) completionTokens = chunk.usage.completion_tokens;
    }
  }
  const finished = performance.now();
  if (!firstAt || completionTokens < 2) throw new Error(`${endpoint.base}: ${completionTokens} token(s) streamed; nothing to measure`);
  return { ttftMs: firstAt - started, generationTokensPerSecond: (completionTokens - 1) / ((finished - firstAt) / 1000), completionTokens };
}
