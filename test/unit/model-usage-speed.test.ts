import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { linkModelUsage } from "../../electron/core/composition/model-usage-link.js";
import { EventBus } from "../../electron/core/kernel/event-bus.js";
import type { LoadedModel } from "../../electron/shared/contract/engine.js";
import type { AnsweredBy, ChatDone, GenerationMetrics } from "../../electron/shared/contract/chat.js";

// The picker's measured speed comes from answers: with a draft loaded it includes the draft's
// speed-up; a turn that only prompt lookup sped up (pasted code) is not the model's usual speed.
const dir = mkdtempSync(path.join(os.tmpdir(), "r1-usage-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const modelPath = path.join(dir, "model.gguf");
const touched: string[] = [];
const library = { touch: async (file: string) => void touched.push(file) };

function loaded(draft: LoadedModel["draft"], variantId: string | null = "r1.q8_0"): LoadedModel {
  return { path: modelPath, draft, variantId } as LoadedModel;
}

function done(metrics: Partial<GenerationMetrics>, answeredBy: AnsweredBy = { kind: "local" }): ChatDone {
  return {
    jobId: "j",
    conversationId: null,
    userMessageId: null,
    messageId: null,
    answeredBy,
    stopReason: "end",
    thought: "",
    answer: "x",
    message: null,
    metrics: metrics as GenerationMetrics,
  };
}

/** The variant ids and speeds recorded when `between` runs after a load and before an answer. */
async function recordedWith(model: LoadedModel, answer: ChatDone, between: (bus: EventBus) => void = () => {}): Promise<Array<[string, number]>> {
  const bus = new EventBus();
  const speeds: Array<[string, number]> = [];
  const fit = { recordMeasuredSpeed: async (id: string, speed: number) => void speeds.push([id, speed]) };
  const stop = linkModelUsage(bus, library, fit);
  bus.emit("engine.loaded", { jobId: "l", model });
  between(bus);
  bus.emit("chat.done", answer);
  await new Promise((resolve) => setTimeout(resolve, 20));
  stop();
  return speeds;
}

async function recorded(draft: LoadedModel["draft"], metrics: Partial<GenerationMetrics>): Promise<number[]> {
  return (await recordedWith(loaded(draft), done(metrics))).map(([, speed]) => speed);
}

describe("measured speed from answers", () => {
  it("records a plain answer's speed", async () => {
    expect(await recorded(null, { generationTokensPerSecond: 12 })).toEqual([12]);
  });

  it("records the speed with a draft loaded, its speed-up included", async () => {
    const draft = { path: path.join(dir, "draft.gguf"), name: "draft", sizeBytes: 1 };
    expect(await recorded(draft, { generationTokensPerSecond: 20, draftAcceptedTokens: 40, draftRefutedTokens: 5 })).toEqual([20]);
  });

  it("leaves out a turn sped up by prompt lookup alone", async () => {
    expect(await recorded(null, { generationTokensPerSecond: 30, draftAcceptedTokens: 40, draftRefutedTokens: 5 })).toEqual([]);
  });

  it("records the speed for the catalog variant the load named, and marks the file used", async () => {
    expect(await recordedWith(loaded(null, "r1.q4_k_m"), done({ generationTokensPerSecond: 9 }))).toEqual([["r1.q4_k_m", 9]]);
    expect(touched).toContain(modelPath);
  });

  it("records nothing for a file loaded without a catalog variant", async () => {
    expect(await recordedWith(loaded(null, null), done({ generationTokensPerSecond: 9 }))).toEqual([]);
  });

  it("never records a remote server's speed as the local model's", async () => {
    expect(await recordedWith(loaded(null), done({ generationTokensPerSecond: 250 }, { kind: "remote", endpointId: "gpu-box" }))).toEqual([]);
  });

  it("forgets the model on unload, a failed load and a crash", async () => {
    const answer = done({ generationTokensPerSecond: 12 });
    expect(await recordedWith(loaded(null), answer, (bus) => bus.emit("engine.unloaded", { path: modelPath }))).toEqual([]);
    expect(
      await recordedWith(loaded(null), answer, (bus) => bus.emit("engine.loadFailed", { jobId: "l2", path: modelPath, message: "bad file", cancelled: false })),
    ).toEqual([]);
    const crash = {
      exitCode: null,
      signal: "SIGSEGV",
      lastModel: modelPath,
      lastOperation: "generate",
      at: new Date().toISOString(),
      message: "crashed",
      restarted: true,
    };
    expect(await recordedWith(loaded(null), answer, (bus) => bus.emit("engine.crashed", crash))).toEqual([]);
  });
});
