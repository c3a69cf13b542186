import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** The one paragraph the retrieval tests ask about, deep inside the generated tree. */
export const DEEP_FACT = {
  display: "docs/handbook/part-7/chapter-437.md",
  heading: "Chapter 437 > Harbour operations > Tide tables",
  paragraph:
    "The harbour master recalibrates the tide gauges every quarter using the Vellmar coefficient, which is 0.8413 for the northern basin and 0.7920 for the southern basin.",
  question: "What Vellmar coefficient does the harbour master use for the northern basin tide gauges?",
};

export interface GeneratedTree {
  root: string;
  /** Files a scan must index (neither ignored nor skipped). */
  indexable: number;
  /** Paths (as displayed) that the .gitignores exclude, negations honoured. */
  ignored: string[];
  /** Paths re-included by a negation in a nested .gitignore. */
  reincluded: string[];
}

const WORDS = "river stone lamp orchard ledger copper violet meadow signal harbor quartz timber ember canyon".split(" ");

function prose(seed: number, sentences: number): string {
  const out: string[] = [];
  for (let s = 0; s < sentences; s++) {
    const words = Array.from({ length: 12 }, (_, w) => WORDS[(seed * 7 + s * 3 + w * 5) % WORDS.length]);
    out.push(`${words.join(" ")} ${seed}-${s}.`);
  }
  return out.join(" ");
}

/**
 * A tree of 2,000 indexable files (Markdown, code and text), with nested .gitignores (one with a
 * negation), ignored folders, a link to a folder outside and one to a file outside, a binary file
 * and secret-looking files, plus the deep paragraph of DEEP_FACT.
 */
export async function generateTree(base: string, outside: string): Promise<GeneratedTree> {
  const root = join(base, "tree");
  const put = async (rel: string, text: string | Uint8Array) => {
    await mkdir(join(root, rel, ".."), { recursive: true });
    await writeFile(join(root, rel), text);
  };
  let indexable = 0;
  await put(".gitignore", "build/\n*.log\n");
  await put("src/.gitignore", "generated/\n!keep.log\n");
  await put("src/pkg-3/.gitignore", "local-notes.txt\n");
  indexable += 3; // .gitignore files are text and indexed like any other
  const ignored = ["build/out.js", "build/deep/more.js", "src/generated/types.ts", "debug.log", "src/pkg-3/local-notes.txt"];
  for (const rel of ignored) await put(rel, `ignored ${rel} ${prose(1, 2)}\n`);
  const reincluded = ["src/keep.log"];
  await put("src/keep.log", `kept despite *.log: ${prose(2, 2)}\n`);
  indexable += 1;

  for (let part = 0; part < 10; part++) {
    for (let chapter = 0; chapter < 60; chapter++) {
      const n = part * 60 + chapter;
      const rel = `docs/handbook/part-${part}/chapter-${n}.md`;
      const sections = [`# Chapter ${n}`, "", prose(n, 4), "", "## Harbour operations", "", prose(n + 1, 5), "", "### Tide tables", "", prose(n + 2, 3)];
      if (rel === DEEP_FACT.display) sections.push("", DEEP_FACT.paragraph);
      sections.push("", "## Appendix", "", prose(n + 3, 6));
      await put(rel, sections.join("\n") + "\n");
      indexable++;
    }
  }
  for (let pkg = 0; pkg < 20; pkg++) {
    for (let file = 0; file < 45; file++) {
      const lines = [`// module ${pkg}/${file}`, `export function compute${pkg}x${file}(value: number): number {`];
      for (let l = 0; l < 40; l++) lines.push(`  value = value * ${l + 1} + ${file}; // ${WORDS[(l + file) % WORDS.length]}`);
      lines.push("  return value;", "}", "", `export const label${file} = "${WORDS[file % WORDS.length]}";`);
      await put(`src/pkg-${pkg}/file-${file}.ts`, lines.join("\n") + "\n");
      indexable++;
    }
  }
  const notes = 2000 - indexable;
  for (let note = 0; note < notes; note++) {
    await put(`notes/n-${Math.floor(note / 50)}/note-${note}.txt`, `${prose(note + 11, 3)}\n\n${prose(note + 12, 2)}\n`);
    indexable++;
  }

  await put("assets/logo.bin", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]));
  await put(".env", "API_TOKEN=do-not-index-me\n");
  await put("config/credentials.json", '{"password":"do-not-index-me"}\n');
  await put("keys/id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\ndo-not-index-me\n");
  await mkdir(outside, { recursive: true });
  await writeFile(join(outside, "elsewhere.md"), "# Elsewhere\n\nThe outside-only word is zanzibarite.\n");
  await symlink(outside, join(root, "outside-folder"));
  await symlink(join(outside, "elsewhere.md"), join(root, "docs/outside-file.md"));
  return { root, indexable, ignored, reincluded };
}
