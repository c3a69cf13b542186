import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { toChatHistory } from "../../electron/engine/chat-history.js";
import { resolveEngineEntry } from "../../electron/core/local-engine/launcher.js";
import { ChatSendRequest, GenerationOptions } from "../../electron/shared/contract/chat.js";
import { CoreToEngine, EngineMethods, EngineToCore } from "../../electron/shared/contract/engine-protocol.js";
import { LoadRequest } from "../../electron/shared/contract/engine.js";

describe("engine protocol", () => {
  it("accepts the messages both sides send and refuses malformed ones", () => {
    expect(CoreToEngine.safeParse({ kind: "call", id: 1, method: "load", params: {} }).success).toBe(true);
    expect(CoreToEngine.safeParse({ kind: "cancel", opId: "load-1" }).success).toBe(true);
    expect(CoreToEngine.safeParse({ kind: "call", id: 1, method: "rm -rf", params: {} }).success).toBe(false);
    expect(CoreToEngine.safeParse({ kind: "cancel", opId: "" }).success).toBe(false);
    expect(EngineToCore.safeParse({ kind: "delta", opId: "g", thought: "a", answer: "" }).success).toBe(true);
    expect(EngineToCore.safeParse({ kind: "error", id: 3, error: { code: "busy", message: "m" } }).success).toBe(true);
    expect(EngineToCore.safeParse({ kind: "error", id: 3, error: { code: "weird", message: "m" } }).success).toBe(false);
    expect(EngineToCore.safeParse({ kind: "loadProgress", opId: "l", progress: 1.5 }).success).toBe(false);
  });

  it("generate params need the resolved sampling options and at least one turn", () => {
    const params = EngineMethods.generate.params;
    const ok = { opId: "g", conversationId: null, turns: [{ role: "user", content: "hi" }], options: { temperature: 0.6, topP: 0.95 } };
    expect(params.safeParse(ok).success).toBe(true);
    expect(params.safeParse({ ...ok, turns: [] }).success).toBe(false);
    expect(params.safeParse({ ...ok, options: {} }).success).toBe(false);
  });
});

describe("chat and engine contract", () => {
  it("chat.send needs messages or a prompt and refuses unknown fields", () => {
    expect(ChatSendRequest.safeParse({ prompt: "hi" }).success).toBe(true);
    expect(ChatSendRequest.safeParse({ messages: [{ role: "user", content: "hi" }] }).success).toBe(true);
    expect(ChatSendRequest.safeParse({}).success).toBe(false);
    expect(ChatSendRequest.safeParse({ prompt: "hi", evil: 1 }).success).toBe(false);
    expect(ChatSendRequest.safeParse({ messages: [{ role: "system", content: "x" }], prompt: "hi" }).success).toBe(false);
  });

  it("generation options are bounded", () => {
    expect(GenerationOptions.safeParse({ temperature: 3 }).success).toBe(false);
    expect(GenerationOptions.safeParse({ topP: 1.1 }).success).toBe(false);
    expect(GenerationOptions.safeParse({ thinkingBudget: -1 }).success).toBe(false);
    expect(GenerationOptions.safeParse({ temperature: 0.6, topP: 0.95, seed: 42, maxTokens: 100, thinkingBudget: 10 }).success).toBe(true);
  });

  it("a load never asks for the unbounded automatic context", () => {
    expect(LoadRequest.safeParse({ path: "/m.gguf", contextSize: "auto" }).success).toBe(false);
    expect(LoadRequest.safeParse({ path: "/m.gguf", contextSize: 8192, gpuLayers: "auto", backend: "cuda" }).success).toBe(true);
    expect(LoadRequest.safeParse({ path: "/m.gguf", backend: "opencl" }).success).toBe(false);
  });
});

describe("what goes back into the model", () => {
  it("assistant turns carry their answer only; a system prompt is folded into the first user turn where none is allowed", () => {
    const turns = [
      { role: "user" as const, content: "Q1" },
      { role: "assistant" as const, content: "A1" },
      { role: "user" as const, content: "Q2" },
    ];
    expect(toChatHistory(turns, undefined, false)).toEqual([
      { type: "user", text: "Q1" },
      { type: "model", response: ["A1"] },
      { type: "user", text: "Q2" },
    ]);
    expect(toChatHistory(turns, "Be brief.", false)[0]).toEqual({ type: "user", text: "Be brief.\n\nQ1" });
    expect(toChatHistory(turns, "Be brief.", false)[2]).toEqual({ type: "user", text: "Q2" });
    expect(toChatHistory(turns, "Be brief.", true)[0]).toEqual({ type: "system", text: "Be brief." });
    expect(toChatHistory(turns, "   ", true)[0]).toEqual({ type: "user", text: "Q1" });
  });
});

describe("engine entry", () => {
  it("runs the TypeScript source under tsx, the built file otherwise, and honours R1_ENGINE_ENTRY", () => {
    const source = resolveEngineEntry({}, pathToFileURL(path.resolve("electron/core/local-engine/launcher.ts")).href);
    expect(source.file).toBe(path.resolve("electron/engine/engine.ts"));
    expect(source.execArgv).toEqual(["--import", "tsx"]);
    const override = resolveEngineEntry({ R1_ENGINE_ENTRY: "/opt/app/engine.js" });
    expect(override).toEqual({ file: "/opt/app/engine.js", execArgv: [] });
    expect(() => resolveEngineEntry({}, pathToFileURL("/nowhere/out/main/main.js").href)).toThrow(/out\/engine\/engine\.js/);
  });
});
