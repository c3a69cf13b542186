import { writeFileSync } from "node:fs";
import { appendFile, mkdir, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CollectionIndex } from "../../electron/core/collections/collection-index.js";
import type { Embedder } from "../../electron/core/collections/embedder.js";
import { HashingEmbedder } from "../../electron/core/collections/hashing-embedder.js";
import { updateIndex } from "../../electron/core/collections/indexer.js";
import { DEEP_FACT, generateTree, type GeneratedTree } from "../support/collections/generated-tree.js";
import { tempDir } from "../support/hub/download-helpers.js";

/** Counts what it embeds, and can stand in for a kill: it throws once it has embedded `killAfter` files. */
class CountingEmbedder implements Embedder {
  readonly inner = new HashingEmbedder();
  readonly id = this.inner.id;
  readonly dimensions = this.inner.dimensions;
  calls = 0;
  constructor(private readonly killAfter = Infinity) {}
  embed(texts: string[]): Promise<Float32Array[]> {
    if (this.calls >= this.killAfter) throw new Error("killed mid-index");
    this.calls++;
    return this.inner.embed(texts);
  }
}

let tree: GeneratedTree;
let base: string;

beforeAll(async () => {
  base = await tempDir("collections-");
  tree = await generateTree(base, join(base, "outside"));
}, 120_000);

async function freshIndex(name: string, embedder: Embedder | null = new HashingEmbedder()) {
  return CollectionIndex.open(join(base, "data", name, "index.log"), embedder);
}

// Each test indexes the 2,000-file tree at least once; on two shared cores that takes tens of seconds.
describe("collections: indexing a generated tree", { timeout: 180_000 }, () => {
  it("indexes 2,000 files, honours nested .gitignores, follows no link outside, and names the binary and secret files it skipped", async () => {
    const index = await freshIndex("whole");
    const summary = await updateIndex(index, [tree.root]);
    expect(summary.files).toBe(2000);
    expect(summary.added).toBe(2000);
    const displays = new Set([...index.manifest().keys()].map((file) => file.slice(tree.root.length + 1)));
    for (const ignored of tree.ignored) expect(displays.has(ignored), ignored).toBe(false);
    for (const kept of tree.reincluded) expect(displays.has(kept), kept).toBe(true);
    expect(summary.skipped).toEqual(
      expect.arrayContaining([
        { display: ".env", reason: "secret" },
        { display: "config/credentials.json", reason: "secret" },
        { display: "keys/id_ed25519", reason: "secret" },
        { display: "assets/logo.bin", reason: "binary" },
        { display: "outside-folder", reason: "outside-link" },
        { display: "docs/outside-file.md", reason: "outside-link" },
      ]),
    );
    const outsideWord = await index.query("zanzibarite", 5);
    expect(outsideWord.passages.filter((p) => p.text.includes("zanzibarite"))).toEqual([]);
    const secret = await index.query("do-not-index-me password API_TOKEN", 5);
    expect(secret.passages.filter((p) => p.text.includes("do-not-index-me"))).toEqual([]);
    await index.close();
  });

  it("retrieves the one paragraph deep inside that answers a question, with its file, heading and lines", async () => {
    const index = await freshIndex("deep");
    await updateIndex(index, [tree.root]);
    for (const embedder of [index.embedder, null]) {
      const opened = embedder ? index : await freshIndex("deep", null);
      if (!embedder) await updateIndex(opened, [tree.root]);
      const result = await opened.query(DEEP_FACT.question, 3);
      expect(result.mode).toBe(embedder ? "hybrid" : "lexical");
      const top = result.passages[0]!;
      expect(top.display).toBe(DEEP_FACT.display);
      expect(top.heading).toBe(DEEP_FACT.heading);
      expect(top.text).toContain(DEEP_FACT.paragraph);
      const fileLines = (await import("node:fs/promises")).readFile(top.file, "utf8").then((text) => text.split("\n"));
      const lineOfFact = (await fileLines).indexOf(DEEP_FACT.paragraph) + 1;
      expect(lineOfFact).toBeGreaterThanOrEqual(top.startLine);
      expect(lineOfFact).toBeLessThanOrEqual(top.endLine);
      await opened.close();
    }
  });

  it("drops a deleted file's passages on the next update, and only touches a file whose time changed but not its content", async () => {
    const index = await freshIndex("deleted");
    await updateIndex(index, [tree.root]);
    const victim = join(tree.root, "notes/n-0/note-0.txt");
    const original = await (await import("node:fs/promises")).readFile(victim, "utf8");
    const marker = "uniquewordforthedeletedfile";
    await writeFile(victim, `${original}\n${marker}\n`);
    await updateIndex(index, [tree.root]);
    expect((await index.query(marker, 3)).passages[0]?.file).toBe(victim);

    await rm(victim);
    const afterDelete = await updateIndex(index, [tree.root]);
    expect(afterDelete.removed).toBe(1);
    expect(index.passagesOf(victim)).toEqual([]);
    expect((await index.query(marker, 3)).passages.some((p) => p.file === victim)).toBe(false);
    await index.close();
    // A restart replays the log: the deletion holds.
    const reopened = await freshIndex("deleted");
    expect(reopened.manifest().has(victim)).toBe(false);
    expect(reopened.fileCount).toBe(1999);

    const touched = join(tree.root, "notes/n-1/note-50.txt");
    const later = new Date(Date.now() + 60_000);
    await utimes(touched, later, later);
    const afterTouch = await updateIndex(reopened, [tree.root]);
    expect(afterTouch).toMatchObject({ added: 0, updated: 0, unchanged: 1998 });
    expect(reopened.manifest().get(touched)?.mtimeMs).toBe((await stat(touched)).mtimeMs);
    await reopened.close();
    await writeFile(victim, original);
  });

  it("resumes after a kill in the middle without re-reading what was indexed, and ends whole", async () => {
    const dying = new CountingEmbedder(700);
    const first = await freshIndex("killed", dying);
    await expect(updateIndex(first, [tree.root])).rejects.toThrow("killed mid-index");
    // What a kill can leave: an appended record cut off half-way.
    await appendFile(first.log.file, '0badc0de{"k":"file","path":"/half');
    const resuming = new CountingEmbedder();
    const reopened = await freshIndex("killed", resuming);
    expect(reopened.repairs.damagedLines).toBe(1);
    expect(reopened.fileCount).toBe(700);
    const summary = await updateIndex(reopened, [tree.root]);
    expect(resuming.calls).toBe(1300);
    expect(summary).toMatchObject({ files: 2000, added: 1300, unchanged: 700 });
    await reopened.close();

    const whole = await freshIndex("killed-reference");
    await updateIndex(whole, [tree.root]);
    const again = await freshIndex("killed");
    expect(again.passageCount).toBe(whole.passageCount);
    expect((await again.query(DEEP_FACT.question, 5)).passages).toEqual((await whole.query(DEEP_FACT.question, 5)).passages);
  });

  it("pauses through its signal between files, and the next run carries on", async () => {
    const index = await freshIndex("paused");
    const controller = new AbortController();
    const run = updateIndex(index, [tree.root], {
      signal: controller.signal,
      onProgress: ({ phase, done }) => phase === "indexing" && done === 250 && controller.abort(new Error("Paused")),
    });
    await expect(run).rejects.toThrow("Paused");
    expect(index.fileCount).toBe(250);
    const resumed = await updateIndex(index, [tree.root]);
    expect(resumed).toMatchObject({ added: 1750, files: 2000 });
  });
});

describe("collections: a file that changes while indexing", () => {
  it("is indexed as read, and read again on the next update, so the index ends with what is on disk", async () => {
    const folder = join(await tempDir("collections-changing-"), "docs");
    await mkdir(folder, { recursive: true });
    for (let i = 0; i < 10; i++) await writeFile(join(folder, `note-${i}.txt`), `Note ${i} about ordinary things.\n`);
    const changing = join(folder, "note-5.txt");
    const index = await CollectionIndex.open(join(folder, "..", "index.log"), new HashingEmbedder());
    const first = await updateIndex(index, [folder], {
      // The scan has seen the old size and time; the file changes before it is read.
      onProgress: ({ current }) =>
        void (current === "note-5.txt" && writeFileSync(changing, "Note 5 now names the quasar ledger, and is longer than before.\n")),
    });
    expect(first.files).toBe(10);
    expect((await index.query("quasar ledger", 1)).passages[0]?.file).toBe(changing);
    const second = await updateIndex(index, [folder]);
    expect(second).toMatchObject({ updated: 0, unchanged: 9 });
    expect(index.manifest().get(changing)).toMatchObject({ size: (await stat(changing)).size, mtimeMs: (await stat(changing)).mtimeMs });
    const third = await updateIndex(index, [folder]);
    expect(third).toMatchObject({ updated: 0, added: 0, unchanged: 10 });
    await index.close();
  });
});
