import { describe, expect, it } from "vitest";
import { chunkFile, MAX_CHUNK_CHARS } from "../../electron/core/collections/chunker.js";
import { reciprocalRankFusion } from "../../electron/core/collections/fusion.js";
import { Bm25Index, tokenize } from "../../electron/core/collections/bm25.js";
import { isSecretLookingFile } from "../../electron/shared/secret-files.js";

describe("collections: chunking by structure", () => {
  it("cuts Markdown at its headings, each passage with its heading path and line span, a fenced # line not taken for a heading", () => {
    const text = [
      "# Guide",
      "",
      "Intro.",
      "",
      "## Install",
      "",
      "Run it.",
      "```sh",
      "# not a heading",
      "```",
      "",
      "### Linux",
      "",
      "Use apt.",
      "## Use",
      "",
      "Ask.",
    ].join("\n");
    expect(chunkFile("guide.md", text)).toEqual([
      { startLine: 1, endLine: 3, heading: "Guide", text: "# Guide\n\nIntro." },
      { startLine: 5, endLine: 10, heading: "Guide > Install", text: "## Install\n\nRun it.\n```sh\n# not a heading\n```" },
      { startLine: 12, endLine: 14, heading: "Guide > Install > Linux", text: "### Linux\n\nUse apt." },
      { startLine: 15, endLine: 17, heading: "Guide > Use", text: "## Use\n\nAsk." },
    ]);
  });

  it("splits a long Markdown section by paragraphs, no passage over the limit, every line in exactly one passage", () => {
    const paragraphs = Array.from({ length: 30 }, (_, i) => `Paragraph ${i} ${"word ".repeat(40)}`.trim());
    const text = `# Long\n\n${paragraphs.join("\n\n")}\n`;
    const chunks = chunkFile("long.md", text);
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(MAX_CHUNK_CHARS);
    const lines = text.split("\n");
    for (const chunk of chunks) expect(lines.slice(chunk.startLine - 1, chunk.endLine).join("\n")).toBe(chunk.text);
    expect(chunks.map((c) => c.heading)).toEqual(chunks.map(() => "Long"));
  });

  it("windows code by lines, breaking before a top-level declaration where there is one and overlapping where there is none", () => {
    const fn = (n: number) => [`export function f${n}() {`, ...Array.from({ length: 23 }, (_, i) => `  step(${n}, ${i});`), "}", ""];
    const code = [...fn(1), ...fn(2), ...fn(3), ...fn(4)].join("\n");
    const chunks = chunkFile("steps.ts", code);
    expect(chunks.map((c) => [c.startLine, c.endLine])).toEqual([
      [1, 52],
      [53, 103],
    ]);
    expect(chunks[1]!.text.startsWith("export function f3()")).toBe(true);
    const flat = Array.from({ length: 150 }, (_, i) => `    x${i} = ${i}`).join("\n");
    expect(chunkFile("flat.py", flat).map((c) => [c.startLine, c.endLine])).toEqual([
      [1, 60],
      [51, 110],
      [101, 150],
    ]);
  });

  it("groups plain text by paragraphs with their line spans", () => {
    const text = "First paragraph.\nStill first.\n\n\nSecond.\n";
    expect(chunkFile("notes.txt", text)).toEqual([{ startLine: 1, endLine: 5, text: "First paragraph.\nStill first.\n\n\nSecond." }]);
    const long = Array.from({ length: 3 }, (_, i) => `P${i} ${"x".repeat(900)}`).join("\n\n");
    expect(chunkFile("notes.txt", long).map((c) => [c.startLine, c.endLine])).toEqual([
      [1, 1],
      [3, 3],
      [5, 5],
    ]);
  });
});

describe("collections: lexical ranking and fusion", () => {
  it("splits identifiers into their parts so code is found by its words", () => {
    expect(tokenize("parseHTTPHeader read_file_sync")).toEqual(["parsehttpheader", "parse", "httpheader", "read_file_sync", "read", "file", "sync"]);
  });

  it("ranks the passage with the rare word first, and forgets a removed passage", () => {
    const index = new Bm25Index();
    index.add(0, "the river and the stone");
    index.add(1, "the river and the vellmar coefficient");
    index.add(2, "stone stone stone");
    expect(index.search("vellmar river", 3).map((s) => s.slot)).toEqual([1, 0]);
    index.remove(1);
    expect(index.search("vellmar", 3)).toEqual([]);
    expect(index.size).toBe(2);
  });

  it("fuses by reciprocal rank: a passage both lists rank well beats one only one list ranks first", () => {
    const fused = reciprocalRankFusion(
      [
        { slot: 7, score: 9 },
        { slot: 3, score: 5 },
      ],
      [
        { slot: 5, score: 0.9 },
        { slot: 3, score: 0.8 },
      ],
      3,
    );
    expect(fused.map((f) => [f.slot, f.lexicalRank, f.denseRank])).toEqual([
      [3, 2, 2],
      [5, undefined, 1],
      [7, 1, undefined],
    ]);
  });
});

describe("secret-looking files", () => {
  it.each([".env", ".env.local", "server.pem", "tls.key", "id_rsa", "id_ed25519", "credentials.json", ".npmrc"])("skips %s", (name) => {
    expect(isSecretLookingFile(name)).toBe(true);
  });
  it.each(["environment.md", "keyboard.ts", "identity.txt", "README.md"])("reads %s", (name) => {
    expect(isSecretLookingFile(name)).toBe(false);
  });
});
