import { copyFile, mkdir, readdir, stat, symlink, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { discoverModels } from "../../electron/core/library/discover.js";
import { ModelLibrary } from "../../electron/core/library/library.js";
import { validateGguf } from "../../electron/core/library/validator.js";
import { BAD_FIXTURES, ensureFixture } from "../fixtures/models.js";
import { tempDir } from "../support/hub/download-helpers.js";

async function newLibrary() {
  const dataDir = await tempDir("lib-");
  const library = new ModelLibrary({ file: join(dataDir, "library.json"), modelsDir: () => join(dataDir, "models"), validate: validateGguf });
  await library.init();
  return { dataDir, library };
}

describe("library: import", () => {
  it.each(BAD_FIXTURES)("refuses %s with a clear reason, and adds nothing", async (name) => {
    const { library, dataDir } = await newLibrary();
    const path = await ensureFixture(name);
    const error = await library.import(path, "copy").then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error?.message).toMatch(new RegExp(`^${basename(path).replaceAll(".", "\\.")} cannot be used: .{10,}`));
    expect(await library.list()).toEqual([]);
    expect(await readdir(join(dataDir, "models")).catch(() => [])).toEqual([]);
  });

  it("uses a good file in place, and deleting it from the library never deletes another tool's file", async () => {
    const { library } = await newLibrary();
    const source = await ensureFixture("scripted-r1");
    const model = await library.import(source, "in-place");
    expect(model).toMatchObject({ path: source, origin: "import-in-place", architecture: "qwen2", missing: false });
    expect(model.sizeBytes).toBe((await stat(source)).size);
    await expect(library.import(source, "in-place")).rejects.toThrow(/already in the library/);
    expect(await library.delete(model.id)).toEqual({ removed: true, filesDeleted: false, freedBytes: 0 });
    expect((await stat(source)).isFile()).toBe(true);
  });

  it("copies a good file into the models folder, tracks last use, and frees the disk on delete", async () => {
    const { library, dataDir } = await newLibrary();
    const source = await ensureFixture("scripted-r1-llama");
    const model = await library.import(source, "copy");
    expect(model.origin).toBe("import-copy");
    expect(model.path).toBe(join(dataDir, "models", "imported", basename(source)));
    await library.touch(model.path);
    const [listed] = await library.list();
    expect(listed!.lastUsedAt).toBeGreaterThan(0);

    // A new library over the same data dir sees the same models.
    const again = new ModelLibrary({ file: join(dataDir, "library.json"), modelsDir: () => join(dataDir, "models"), validate: validateGguf });
    await again.init();
    expect((await again.list()).map((m) => m.id)).toEqual([model.id]);

    const result = await again.delete(model.id);
    expect(result).toEqual({ removed: true, filesDeleted: true, freedBytes: model.sizeBytes });
    await expect(stat(model.path)).rejects.toThrow();
    expect(await again.list()).toEqual([]);
  });

  it("refuses a path that is missing or a folder", async () => {
    const { library, dataDir } = await newLibrary();
    await expect(library.import(join(dataDir, "nope.gguf"), "in-place")).rejects.toThrow(/No file at/);
    await expect(library.import(dataDir, "in-place")).rejects.toThrow(/is a folder/);
  });
});

describe("library: discovering other tools' models", () => {
  it("finds GGUF files of LM Studio, the Hugging Face cache, node-llama-cpp and llama.cpp; skips partial downloads", async () => {
    const home = await tempDir("home-");
    const put = async (path: string, bytes = 1000) => {
      await mkdir(join(path, ".."), { recursive: true });
      await writeFile(path, Buffer.alloc(bytes, 1));
    };
    await put(join(home, ".lmstudio/models/lmstudio-community/R1-GGUF/R1-Q4_K_M.gguf"));
    await put(join(home, ".cache/lm-studio/models/old/R1-Q8_0.gguf"));
    await put(join(home, ".lmstudio/models/x/half.gguf.part"));
    // The hub cache: named snapshot links into content-addressed blobs.
    const repo = join(home, ".cache/huggingface/hub/models--unsloth--R1-GGUF");
    await put(join(repo, "blobs/abc123"), 2000);
    await mkdir(join(repo, "snapshots/rev1"), { recursive: true });
    await symlink(join(repo, "blobs/abc123"), join(repo, "snapshots/rev1/R1-IQ1_S.gguf"));
    await put(join(home, ".node-llama-cpp/models/hf_bartowski_R1.Q4_K_M.gguf"));
    await put(join(home, ".cache/llama.cpp/split-Q2_K-00001-of-00002.gguf"));
    await put(join(home, ".cache/llama.cpp/split-Q2_K-00002-of-00002.gguf"));
    await put(join(home, ".cache/llama.cpp/lonely-00001-of-00002.gguf")); // its second part is missing

    const inLibrary = join(home, ".node-llama-cpp/models/hf_bartowski_R1.Q4_K_M.gguf");
    const found = await discoverModels(home, (p) => p === inLibrary);
    const byName = Object.fromEntries(found.map((f) => [f.name, f]));
    expect(Object.keys(byName).sort()).toEqual(["R1-IQ1_S.gguf", "R1-Q4_K_M.gguf", "R1-Q8_0.gguf", "hf_bartowski_R1.Q4_K_M.gguf", "split-Q2_K.gguf"]);
    expect(byName["R1-IQ1_S.gguf"]).toMatchObject({ tool: "huggingface", sizeBytes: 2000, quantization: "IQ1_S" });
    expect(byName["R1-Q4_K_M.gguf"]!.tool).toBe("lm-studio");
    expect(byName["split-Q2_K.gguf"]).toMatchObject({
      tool: "llama.cpp",
      sizeBytes: 2000,
      files: [expect.stringContaining("00001"), expect.stringContaining("00002")],
    });
    expect(byName["hf_bartowski_R1.Q4_K_M.gguf"]).toMatchObject({ tool: "node-llama-cpp", inLibrary: true });
  });

  it("finds nothing, without error, when no other tool is installed", async () => {
    expect(await discoverModels(await tempDir("empty-home-"), () => false)).toEqual([]);
  });

  it("offers a discovered model for use in place", async () => {
    const home = await tempDir("home-");
    const target = join(home, ".node-llama-cpp/models/scripted.gguf");
    await mkdir(join(target, ".."), { recursive: true });
    await copyFile(await ensureFixture("scripted-r1"), target);
    const [found] = await discoverModels(home, () => false);
    const { library } = await newLibrary();
    const model = await library.import(found!.path, "in-place");
    expect(model.path).toBe(target);
    expect(library.has(target)).toBe(true);
  });
});
