import { describe, expect, it } from "vitest";
import { editorConfigs } from "../../renderer/src/lib/editor/editor-configs.js";

const endpoint = { baseUrl: "http://127.0.0.1:8080/v1", apiKey: "r1-key", model: "DeepSeek-R1-0528-Qwen3-8B", contextSize: 32768 };

describe("the editor setup's copyable configs", () => {
  it("turn on Continue's agent mode: the model is declared able to use tools", () => {
    const continueConfig = editorConfigs(endpoint).find((config) => config.id === "continue")!;
    expect(continueConfig.text).toMatch(/^ {4}capabilities: \[tool_use\]$/m);
    expect(continueConfig.text).toContain("apiBase: http://127.0.0.1:8080/v1");
  });

  it("turn on tools for Zed's agent", () => {
    const zed = editorConfigs(endpoint).find((config) => config.id === "zed")!;
    const settings = JSON.parse(zed.text) as {
      language_models: { openai_compatible: Record<string, { available_models: { capabilities: { tools: boolean } }[] }> };
    };
    expect(settings.language_models.openai_compatible["r1-local"]!.available_models[0]!.capabilities.tools).toBe(true);
  });
});
