import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSplitFileName } from "../../electron/core/gguf/split-names.js";
import { validateGgufFile } from "../../electron/core/gguf/validate.js";
import type { GgufValidation } from "../../electron/core/gguf/validate.js";
import { gguf } from "../support/gguf/header-writer.js";
import type { GgufMetadata } from "../support/gguf/header-writer.js";
import { writeGgufFile } from "../support/gguf/tensor-writer.js";
import { ensureFixture, FIXTURE_SCRIPTS } from "../fixtures/models.js";
import type { BadFixtureName } from "../fixtures/models.js";
import { R1_DISTILL_QWEN_TEMPLATE } from "../fixtures/chat-templates.js";
import { buildScriptedModel } from "../fixtures/scripted-model.js";
import { writeSplitScriptedModel } from "../fixtures/split.js";

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "gguf-validate-"));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

function refused(result: GgufValidation) {
  if (result.ok) throw new Error("expected the file to be refused");
  return result;
}

function accepted(result: GgufValidation) {
  if (!result.ok) throw new Error(`expected the file to be accepted, got: ${result.reason}`);
  return result;
}

describe("validateGgufFile on the bad fixtures", () => {
  const cases: [BadFixtureName, string, RegExp][] = [
    ["bad-truncated", "truncated", /truncated/],
    ["bad-magic", "not-gguf", /not a GGUF model file/],
    ["bad-misaligned", "misaligned", /not a multiple of the file's alignment \(32 bytes\)/],
    ["bad-missing-arch", "missing-architecture", /general\.architecture/],
    ["bad-missing-ffn-length", "missing-key", /"qwen2\.feed_forward_length" is missing/],
    ["bad-missing-head-count", "missing-key", /"qwen2\.attention\.head_count" is missing/],
    ["bad-duplicate-tokens", "duplicate-tokens", /lists the token .* twice/],
    ["bad-not-gguf", "not-gguf", /not a GGUF model file.*web page/],
  ];
  for (const [name, problem, reason] of cases) {
    it(`refuses ${name} with a reason naming the problem`, async () => {
      const file = await ensureFixture(name);
      const result = refused(await validateGgufFile(file));
      expect(result.problem).toBe(problem);
      expect(result.reason).toMatch(reason);
      expect(result.file).toBe(file);
    });
  }
});

describe("validateGgufFile on good models", () => {
  it("accepts the scripted models and reports their facts", async () => {
    const result = accepted(await validateGgufFile(await ensureFixture("scripted-r1")));
    expect(result.warnings).toEqual([]);
    expect(result.facts).toMatchObject({
      architecture: "qwen2",
      name: "scripted-r1",
      blockCount: 1,
      tensorCount: 12,
      fileType: "F32",
      tokenizerModel: "gpt2",
      tokenizerPre: "deepseek-r1-qwen",
      hasChatTemplate: true,
      split: undefined,
    });
    expect(result.facts.chatTemplate).toContain("<｜Assistant｜><think>\\n");
    const llama = accepted(await validateGgufFile(await ensureFixture("scripted-r1-llama")));
    expect(llama.facts).toMatchObject({ architecture: "llama", tokenizerPre: "llama-bpe" });
    accepted(await validateGgufFile(await ensureFixture("scripted-r1-old-template")));
    accepted(await validateGgufFile(await ensureFixture("scripted-r1-long")));
  });

  it("accepts the realistic-shape model and counts its parameters", { timeout: 180_000 }, async () => {
    const result = accepted(await validateGgufFile(await ensureFixture("bench-q8_0")));
    expect(result.facts).toMatchObject({
      architecture: "qwen2",
      blockCount: 12,
      embeddingLength: 768,
      feedForwardLength: 2048,
      headCount: 12,
      headCountKv: 2,
      contextLength: 4096,
      fileType: "Q8_0",
      dominantTensorType: "Q8_0",
      vocabularySize: 32768,
      tensorCount: 111,
      parameterCount: 123_489_024,
    });
  });
});

describe("validateGgufFile on hand-made problems", () => {
  const base = () =>
    buildScriptedModel({ name: "hand-made", architecture: "qwen2", chatTemplate: R1_DISTILL_QWEN_TEMPLATE, ...FIXTURE_SCRIPTS["scripted-r1"] });
  async function write(name: string, edit: (metadata: Record<string, GgufMetadata[string]>) => void) {
    const model = base();
    const metadata = { ...model.metadata };
    edit(metadata);
    const file = path.join(directory, `${name}.gguf`);
    await writeGgufFile(file, { metadata, tensors: model.tensors });
    return file;
  }

  it("refuses a key stored with the wrong type", async () => {
    const file = await write("wrong-type", (metadata) => (metadata["qwen2.block_count"] = gguf.i32(1)));
    const result = refused(await validateGgufFile(file));
    expect(result.problem).toBe("wrong-key-type");
    expect(result.reason).toMatch(/"qwen2\.block_count" is stored as i32, but llama\.cpp reads it as u32/);
  });

  it("refuses an architecture outside the R1 family", async () => {
    const file = await write("gemma", (metadata) => (metadata["general.architecture"] = gguf.string("gemma")));
    const result = refused(await validateGgufFile(file));
    expect(result.problem).toBe("unsupported-architecture");
    expect(result.reason).toMatch(/"gemma" is not one of .*qwen2, llama, qwen3, deepseek2/);
  });

  it("refuses a header with absurd counts, an unknown version, and an empty file", async () => {
    const absurd = Buffer.alloc(64);
    absurd.write("GGUF", 0, "latin1");
    absurd.writeUInt32LE(3, 4);
    absurd.writeBigUInt64LE(2n ** 40n, 8);
    await writeFile(path.join(directory, "absurd.gguf"), absurd);
    expect(refused(await validateGgufFile(path.join(directory, "absurd.gguf")))).toMatchObject({ problem: "corrupt-header" });

    const version = Buffer.from(absurd);
    version.writeUInt32LE(7, 4);
    await writeFile(path.join(directory, "version.gguf"), version);
    expect(refused(await validateGgufFile(path.join(directory, "version.gguf"))).reason).toMatch(/version 7 is not supported/);

    await writeFile(path.join(directory, "empty.gguf"), "");
    expect(refused(await validateGgufFile(path.join(directory, "empty.gguf"))).reason).toMatch(/empty/);
    expect(refused(await validateGgufFile(path.join(directory, "absent.gguf"))).problem).toBe("unreadable");
  });
});

describe("split models", () => {
  it("parses part names", () => {
    expect(parseSplitFileName("/m/R1-Q4_K_M-00002-of-00003.gguf")).toEqual({
      part: 2,
      count: 3,
      partNames: ["R1-Q4_K_M-00001-of-00003.gguf", "R1-Q4_K_M-00002-of-00003.gguf", "R1-Q4_K_M-00003-of-00003.gguf"],
    });
    expect(parseSplitFileName("model.gguf")).toBeUndefined();
  });

  it("validates every part of a set, from any part, and refuses a set with a part missing", async () => {
    const splitDirectory = path.join(directory, "split");
    await mkdir(splitDirectory);
    const parts = await writeSplitScriptedModel(splitDirectory, "scripted", 3);
    const whole = accepted(await validateGgufFile(await ensureFixture("scripted-r1")));
    for (const part of parts) {
      const result = accepted(await validateGgufFile(part));
      expect(result.facts.split).toEqual({ part: 1, count: 3 });
      expect(result.facts.parts).toEqual(parts);
      expect(result.facts.tensorCount).toBe(12);
      expect(result.facts.parameterCount).toBe(whole.facts.parameterCount);
    }
    await rm(parts[2]!);
    const result = refused(await validateGgufFile(parts[0]!));
    expect(result.problem).toBe("split-incomplete");
    expect(result.reason).toMatch(/split into 3 files and one is missing: scripted-00003-of-00003\.gguf/);
  });
});
