import { describe, expect, it } from "vitest";
import { parseSource } from "../../electron/core/downloads/sources.js";
import { quantizationFromName, splitPartNames } from "../../electron/core/gguf/split-names.js";

const hub = { endpoint: "https://hf-mirror.example" };

describe("what a person can paste as a download source", () => {
  it("reads hf: URIs with a quantization tag, a file path or a branch", () => {
    expect(parseSource("hf:unsloth/DeepSeek-R1-Distill-Qwen-7B-GGUF:Q4_K_M", hub)).toEqual({
      kind: "hub-repo",
      repo: "unsloth/DeepSeek-R1-Distill-Qwen-7B-GGUF",
      tag: "Q4_K_M",
    });
    expect(parseSource("hf:owner/repo", hub)).toEqual({ kind: "hub-repo", repo: "owner/repo", tag: "latest" });
    expect(parseSource("hf:owner/repo/sub/model-Q8_0.gguf#dev", hub)).toEqual({
      kind: "hub-file",
      repo: "owner/repo",
      revision: "dev",
      path: "sub/model-Q8_0.gguf",
    });
    expect(parseSource("huggingface:owner/repo/model.gguf", hub)).toMatchObject({ kind: "hub-file", revision: "main" });
  });

  it("reads Hugging Face URLs (resolve, blob, model page) and URLs on the configured mirror", () => {
    expect(parseSource("https://huggingface.co/owner/repo/resolve/main/a%20b.gguf?download=true", hub)).toEqual({
      kind: "hub-file",
      repo: "owner/repo",
      revision: "main",
      path: "a b.gguf",
    });
    expect(parseSource("https://huggingface.co/owner/repo/blob/main/m.gguf", hub)).toMatchObject({ kind: "hub-file", path: "m.gguf" });
    expect(parseSource("https://huggingface.co/owner/repo", hub)).toEqual({ kind: "hub-repo", repo: "owner/repo", tag: "latest" });
    expect(parseSource("https://hf-mirror.example/owner/repo/resolve/main/m.gguf", hub)).toMatchObject({ kind: "hub-file", repo: "owner/repo" });
  });

  it("takes any other http(s) URL as a plain file, and refuses what is not an address", () => {
    expect(parseSource("https://example.com/models/m.gguf", hub)).toEqual({ kind: "url", url: "https://example.com/models/m.gguf" });
    expect(() => parseSource("not a model", hub)).toThrow(/not a model address/);
    expect(() => parseSource("ftp://example.com/m.gguf", hub)).toThrow(/Only http\(s\)/);
    expect(() => parseSource("https://huggingface.co/owner/repo/tree/main", hub)).toThrow(/does not point at a file/);
  });

  it("names split parts and quantizations", () => {
    expect(splitPartNames("R1-Q4_K_M-00001-of-00003.gguf")).toEqual([
      "R1-Q4_K_M-00001-of-00003.gguf",
      "R1-Q4_K_M-00002-of-00003.gguf",
      "R1-Q4_K_M-00003-of-00003.gguf",
    ]);
    expect(splitPartNames("single.gguf")).toEqual(["single.gguf"]);
    expect(quantizationFromName("DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf")).toBe("Q4_K_M");
    expect(quantizationFromName("DeepSeek-R1-UD-IQ1_S-00001-of-00003.gguf")).toBe("IQ1_S");
    expect(quantizationFromName("model.f16.gguf")).toBe("F16");
    expect(quantizationFromName("model.gguf")).toBeUndefined();
  });
});
