// Streaming from a remote server through the app (chat.send → core → remote engine → HTTP → the
// server, and back as chat.delta events) against a plain streaming HTTP client reading the same
// llama-server in the same run. Targets: generation tokens/s ratio ≥ 0.97; TTFT overhead ≤ 15 ms
// (`ttft_overhead_ms`, median of paired rounds).
import type { AppCore } from "../../../electron/core/composition/app-core.js";
import { defineBenchmark, summarize } from "../harness.js";
import { ensureFixture } from "../../fixtures/models.js";
import { createTempCore } from "../../support/core/temp-core.js";
import { callOk, waitForEvent } from "../../support/core/wait-for-event.js";
import { startLlamaServer, type LlamaServer } from "../../support/llama-server/llama-server.js";

const PROMPT = "Think it through at length, then answer.";
/** Enough tokens that a round's rate is steady, few enough to run in seconds on two cores. */
const MAX_TOKENS = 768;

interface Round {
  ttftMs: number;
  tokensPerSecond: number;
}

interface State {
  server: LlamaServer;
  core: AppCore;
  dispose: () => Promise<void>;
  ttft: { app: number[]; reference: number[] };
}

/** Generation rate as both sides see it: tokens after the first over the time from first to last piece. */
const rate = (tokens: number, firstMs: number, lastMs: number) => ((tokens - 1) * 1000) / (lastMs - firstMs);

async function appRound(core: AppCore): Promise<Round> {
  const started = performance.now();
  let first: number | undefined;
  let last = started;
  const stop = core.subscribe((name) => {
    if (name !== "chat.delta") return;
    last = performance.now();
    first ??= last;
  });
  const { jobId } = await callOk(core, "chat.send", { prompt: PROMPT, options: { maxTokens: MAX_TOKENS, seed: 1 } });
  const done = await waitForEvent(core, "chat.done", (d) => d.jobId === jobId);
  stop();
  if (done.stopReason !== "end" && done.stopReason !== "max-tokens") throw new Error(`The app's round ended with ${done.stopReason}: ${done.message}`);
  return { ttftMs: first! - started, tokensPerSecond: rate(done.metrics!.generatedTokens, first!, last) };
}

/** What a person could run instead: a plain fetch reading the server's event stream. */
async function referenceRound(server: LlamaServer): Promise<Round> {
  const started = performance.now();
  const response = await fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: "scripted-r1-long",
      messages: [{ role: "user", content: PROMPT }],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.6,
      top_p: 0.95,
      max_tokens: MAX_TOKENS,
      seed: 1,
    }),
  });
  const decoder = new TextDecoder();
  let first: number | undefined;
  let last = started;
  let tokens = 0;
  let buffer = "";
  for await (const chunk of response.body!) {
    buffer += decoder.decode(chunk, { stream: true });
    const events = buffer.split("\n\n");
    buffer = events.pop()!;
    for (const event of events) {
      const data = event.replace(/^data: /, "");
      if (data === "[DONE]") continue;
      const parsed = JSON.parse(data) as { choices: { delta: { content?: string; reasoning_content?: string } }[]; usage?: { completion_tokens: number } };
      if (parsed.usage) tokens = parsed.usage.completion_tokens;
      const delta = parsed.choices[0]?.delta;
      if (delta?.content || delta?.reasoning_content) {
        last = performance.now();
        first ??= last;
      }
    }
  }
  return { ttftMs: first! - started, tokensPerSecond: rate(tokens, first!, last) };
}

export default defineBenchmark<State>({
  name: "remote-overhead",
  metric: "generation tokens/s through the app vs a plain client, same llama-server (scripted-r1-long, --reasoning-format deepseek)",
  unit: "tok/s",
  higherIsBetter: true,
  warmup: 1,
  repetitions: 7,
  secondaryUnits: { ttft_ms: "ms" },
  async setup() {
    const server = await startLlamaServer({
      model: await ensureFixture("scripted-r1-long"),
      contextSize: 4096,
      args: ["--jinja", "--reasoning-format", "deepseek"],
    });
    const { core, dispose } = await createTempCore();
    const endpoint = await callOk(core, "remote.save", {
      name: "bench",
      baseUrl: `${server.url}/v1`,
      model: "scripted-r1-long",
      preset: "llama-server",
      family: "r1-distill",
    });
    await callOk(core, "remote.select", { id: endpoint.id });
    return { server, core, dispose, ttft: { app: [], reference: [] } };
  },
  async app(state, round) {
    const run = await appRound(state.core);
    if (round >= 0) state.ttft.app.push(run.ttftMs);
    return { value: run.tokensPerSecond, secondary: { ttft_ms: run.ttftMs } };
  },
  async reference(state, round) {
    const run = await referenceRound(state.server);
    if (round >= 0) state.ttft.reference.push(run.ttftMs);
    return { value: run.tokensPerSecond, secondary: { ttft_ms: run.ttftMs } };
  },
  async teardown(state) {
    await state.dispose();
    await state.server.stop();
  },
  extra: (state) => ({
    model: "scripted-r1-long",
    server: "llama-server (built from node-llama-cpp's llama.cpp), --reasoning-format deepseek, 1 thread",
    max_tokens: MAX_TOKENS,
    // Paired by round (the two sides run back to back), so machine drift largely cancels.
    ttft_overhead_ms: summarize(state.ttft.app.map((app, i) => app - state.ttft.reference[i]!)).median,
    target_ratio: 0.97,
    target_ttft_overhead_ms: 15,
  }),
});
