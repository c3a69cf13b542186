import { readdirSync } from "node:fs";
import { getLlama, LlamaLogLevel, type Llama, type LlamaModel } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixture } from "../fixtures/models.js";

// Prompt batches on their own thread count (`batchThreads`, added to node-llama-cpp 3.21.1's
// context by patches/node-llama-cpp+3.21.1.patch). ggml's CPU backend starts its worker threads
// for each graph it computes, so the process holds more threads while a batch runs on two than on
// one; sampled from /proc while a long prompt is evaluated.
let llama: Llama;
let model: LlamaModel;

/** The most threads this process held while a 512-token prompt was evaluated and 8 tokens generated. */
async function peakThreads(options: { threads: number; batchThreads?: number }, phase: "prompt" | "generation"): Promise<number> {
  const context = await model.createContext({
    contextSize: 1024,
    batchSize: 256,
    threads: { ideal: options.threads, min: options.threads },
    batchThreads: options.batchThreads,
  });
  try {
    const sequence = context.getSequence();
    const prompt = Array.from({ length: 512 }, (_, i) => model.tokenize(" the library")[i % 2]!);
    let peak = 0;
    let sampling = phase === "prompt";
    const timer = setInterval(() => {
      if (sampling) peak = Math.max(peak, readdirSync("/proc/self/task").length);
    }, 2);
    try {
      await sequence.evaluateWithoutGeneratingNewTokens(prompt);
      sampling = phase === "generation";
      let generated = 0;
      for await (const _token of sequence.evaluate(model.tokenize(" and"), { temperature: 0 })) if (++generated >= 8) break;
    } finally {
      clearInterval(timer);
    }
    return peak;
  } finally {
    await context.dispose();
  }
}

beforeAll(async () => {
  llama = await getLlama({ build: "never", gpu: false, logLevel: LlamaLogLevel.error });
  model = await llama.loadModel({ modelPath: await ensureFixture("bench-q8_0") });
  await peakThreads({ threads: 1 }, "prompt"); // starts libuv's pool threads, which stay
}, 300_000);
afterAll(async () => {
  await model?.dispose();
  await llama?.dispose();
});

describe.skipIf(process.platform !== "linux")("prompt threads apart from generation threads", () => {
  it("runs a prompt's batches on batchThreads", async () => {
    const one = await peakThreads({ threads: 1, batchThreads: 1 }, "prompt");
    const two = await peakThreads({ threads: 1, batchThreads: 2 }, "prompt");
    expect(two).toBeGreaterThan(one);
  }, 300_000);

  it("keeps single-token generation on threads", async () => {
    const one = await peakThreads({ threads: 1, batchThreads: 1 }, "generation");
    const two = await peakThreads({ threads: 1, batchThreads: 2 }, "generation");
    expect(two).toBe(one);
  }, 300_000);
});
