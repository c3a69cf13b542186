import { describe, expect, it } from "vitest";
import { largerContextFor, type LocalContext } from "../../electron/core/chat/larger-context.js";
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
  const local = (largest: LocalContext["largest"], loaded: LoadedModel | null = model): LocalContext => ({
    model: () => loaded,
    largest,
    reload: async () => model,
  });
  const fits = (contextSize: number) => local(async () => ({ contextSize, kvCacheType: "q8_0" as const }));

  it("offers the largest context that runs when it is larger than the loaded one", async () => {
    expect(await largerContextFor({ stopReason: "context-full", metrics: metrics(100) }, fits(32768))).toEqual({ contextSize: 32768, kvCacheType: "q8_0" });
    expect(await largerContextFor({ stopReason: "context-full", metrics: metrics(100) }, fits(4096))).toBeNull();
  });

  it("for a question too long, only a context that holds it with room to answer", async () => {
    expect(await largerContextFor({ stopReason: "prompt-too-long", metrics: metrics(6000) }, fits(8192))).toEqual({ contextSize: 8192, kvCacheType: "q8_0" });
    expect(await largerContextFor({ stopReason: "prompt-too-long", metrics: metrics(7900) }, fits(8192))).toBeNull();
  });

  it("offers nothing for other stops, while a remote server answers, or when memory allows no more or the estimate fails", async () => {
    expect(
      await largerContextFor(
        { stopReason: "context-full", metrics: metrics(100) },
        local(async () => ({ contextSize: 32768, kvCacheType: "q8_0" }), null),
      ),
    ).toBeNull();
    expect(await largerContextFor({ stopReason: "end", metrics: metrics(100) }, fits(32768))).toBeNull();
    expect(
      await largerContextFor(
        { stopReason: "context-full", metrics: metrics(100) },
        local(async () => null),
      ),
    ).toBeNull();
    const failing = async () => Promise.reject(new Error("no header"));
    expect(await largerContextFor({ stopReason: "context-full", metrics: metrics(100) }, local(failing))).toBeNull();
  });
});
