import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CollectionIndex } from "../../electron/core/collections/collection-index.js";
import { updateIndex } from "../../electron/core/collections/indexer.js";
import { engineEmbedder } from "../../electron/core/composition/engine-embedder.js";
import { ensureFixture } from "../fixtures/models.js";
import { CoreHarness } from "../support/engine/harness.js";

// The pipeline on a real GGUF model's embeddings, run by llama.cpp in the engine process:
// index, query, fuse. Random weights give meaningless vectors, so this checks the plumbing (sizes,
// determinism, both lists fused); retrieval quality is tested with the deterministic embedder.
let harness: CoreHarness;
let modelPath: string;

beforeAll(async () => {
  harness = await CoreHarness.start();
  modelPath = await ensureFixture("scripted-r1");
});
afterAll(() => harness.close());

describe("collections on a real embedding model", () => {
  it("embeds passages in the engine process, indexes them, and fuses the dense list with the lexical one", async () => {
    const embedder = await engineEmbedder(harness.engine, modelPath);
    expect(embedder.dimensions).toBeGreaterThan(0);
    const [a, b] = await embedder.embed(["the same text", "the same text"]);
    expect(a!.length).toBe(embedder.dimensions);
    expect([...a!]).toEqual([...b!]);

    const base = await mkdtemp(join(os.tmpdir(), "r1-embed-"));
    const folder = join(base, "docs");
    await mkdir(folder, { recursive: true });
    for (let i = 0; i < 12; i++) await writeFile(join(folder, `note-${i}.md`), `# Note ${i}\n\nMeeting ${i} covered item ${i * 7}.\n`);
    await writeFile(join(folder, "budget.md"), "# Budget\n\nThe travel budget is 14,250 euros.\n");
    const index = await CollectionIndex.open(join(base, "index.log"), embedder);
    const summary = await updateIndex(index, [folder]);
    expect(summary).toMatchObject({ files: 13, added: 13 });
    const result = await index.query("travel budget euros", 13);
    expect(result.mode).toBe("hybrid");
    expect(result.passages.filter((p) => p.denseRank !== undefined)).toHaveLength(13);
    expect(result.passages[0]).toMatchObject({ display: "budget.md", lexicalRank: 1 });
    await index.close();

    // Reopened with the same model: the vectors come back from the log, nothing is embedded again.
    const reopened = await CollectionIndex.open(join(base, "index.log"), embedder);
    expect(reopened.repairs.reEmbedded).toBe(false);
    expect((await updateIndex(reopened, [folder])).unchanged).toBe(13);
    expect((await reopened.query("travel budget euros", 13)).passages).toEqual(result.passages);
    await reopened.close();
  });
});
