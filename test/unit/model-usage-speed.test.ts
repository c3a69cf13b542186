import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { linkModelUsage } from "../../electron/core/composition/model-usage-link.js";
import { EventBus } from "../../electron/core/kernel/event-bus.js";
import type { LoadedModel } from "../../electron/shared/contract/engine.js";
import type { GenerationMetrics } from "../../electron/shared/contract/chat.js";

// The picker's measured speed comes from answers: with a draft loaded it includes the draft's
// speed-up; a turn that only prompt lookup sped up (pasted code) is not the model's usual speed.
const dir = mkdtempSync(path.join(os.tmpdir(), "r1-usage-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const modelPath = path.join(dir, "model.gguf");
const library = {
  list: async () => [{ path: modelPath, files: [modelPath], variantId: "r1.q8_0" }] as never,
  touch: async () => {},
};

function loaded(draft: LoadedModel["draft"]): LoadedModel {
  return { path: modelPath, draft } as LoadedModel;
}

function done(metrics: Partial<GenerationMetrics>) {
  return { jobId: "j", conversationId: null, stopReason: "end", thought: "", answer: "x", message: null, metrics: metrics as GenerationMetrics } as const;
}

async function recorded(draft: LoadedModel["draft"], metrics: Partial<GenerationMetrics>): Promise<number[]> {
  const bus = new EventBus();
  const speeds: number[] = [];
  const fit = { recordMeasuredSpeed: async (_id: string, speed: number) => void speeds.push(speed), largestContextFor: async () => ({}) as never };
  const stop = linkModelUsage(bus, library, fit);
  bus.emit("engine.loaded", { jobId: "l", model: loaded(draft) });
  bus.emit("chat.done", done(metrics));
  await new Promise((resolve) => setTimeout(resolve, 20));
  stop();
  return speeds;
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
});
