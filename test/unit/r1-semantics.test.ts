import { describe, expect, it } from "vitest";
import { largerContextFor } from "../../electron/core/chat/larger-context.js";
import type { GenerationMetrics } from "../../electron/shared/contract/chat.js";
import type { LoadedModel } from "../../electron/shared/contract/engine.js";
import { answerOfAssistantTurn } from "../../electron/shared/reasoning.js";

describe("what of an assistant turn goes back into the context", () => {
  it("keeps what follows the last </think>, with or without the opening tag", () => {
    expect(answerOfAssistantTurn("<think>\nLet me see.\n</think>\n\nIt is 42.")).toBe("It is 42.");
    expect(answerOfAssistantTurn("Let me see.\n</think>\n\nIt is 42.")).toBe("It is 42.");
    expect(answerOfAssistantTurn("a</think>b</think>\n\nc")).toBe("c");
    expect(answerOfAssistantTurn("Plain answer, no reasoning.")).toBe("Plain answer, no reasoning.");
    expect(answerOfAssistantTurn("Reasoning that never ended</think>")).toBe("");
  });
});

describe("the larger context offered after the context filled", () => {
  const model = { path: "/m.gguf", contextSize: 4096 } as LoadedModel;
  const metrics = (promptTokens: number) => ({ promptTokens }) as GenerationMetrics;
  const fits = (contextSize: number) => async () => ({ contextSize, kvCacheType: "q8_0" as const });

  it("offers the largest context that runs when it is larger than the loaded one", async () => {
    expect(await largerContextFor({ stopReason: "context-full", metrics: metrics(100) }, model, fits(32768))).toBe(32768);
    expect(await largerContextFor({ stopReason: "context-full", metrics: metrics(100) }, model, fits(4096))).toBeNull();
  });

  it("for a question too long, only a context that holds it with room to answer", async () => {
    expect(await largerContextFor({ stopReason: "prompt-too-long", metrics: metrics(6000) }, model, fits(8192))).toBe(8192);
    expect(await largerContextFor({ stopReason: "prompt-too-long", metrics: metrics(7900) }, model, fits(8192))).toBeNull();
  });

  it("offers nothing for other stops, or when memory allows no more or the estimate fails", async () => {
    expect(await largerContextFor({ stopReason: "end", metrics: metrics(100) }, model, fits(32768))).toBeNull();
    expect(await largerContextFor({ stopReason: "context-full", metrics: metrics(100) }, model, async () => null)).toBeNull();
    const failing = async () => Promise.reject(new Error("no header"));
    expect(await largerContextFor({ stopReason: "context-full", metrics: metrics(100) }, model, failing)).toBeNull();
  });
});
