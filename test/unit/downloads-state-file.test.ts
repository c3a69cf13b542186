import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DownloadStateFile } from "../../electron/core/downloads/state-file.js";
import { tempDir } from "../support/hub/download-helpers.js";

describe("the downloads state file", () => {
  it("starts empty when there is no file, and reads back what it saved", async () => {
    const dir = await tempDir("dl-state-");
    const file = new DownloadStateFile(join(dir, "downloads", "downloads.json"));
    expect(await file.load()).toEqual([]);
    const record = {
      id: "dl-1",
      name: "m",
      source: "hf:o/r",
      state: "queued" as const,
      notes: [],
      destinationDir: dir,
      files: [{ url: "https://x/m.gguf", fileName: "m.gguf", done: false }],
      createdAt: 1,
      updatedAt: 1,
    };
    await file.save([record]);
    expect(await new DownloadStateFile(file.path).load()).toEqual([record]);
  });

  it("sets a damaged file aside and starts with no downloads", async () => {
    const dir = await tempDir("dl-state-");
    const path = join(dir, "downloads.json");
    await writeFile(path, "{ not json");
    expect(await new DownloadStateFile(path).load()).toEqual([]);
    const names = await readdir(dir);
    expect(names).not.toContain("downloads.json");
    expect(names.some((n) => n.startsWith("downloads.json") && n.includes("damaged"))).toBe(true);
  });
});
