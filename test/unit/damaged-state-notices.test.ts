// Every state file the app keeps, found damaged at start, is set aside with a notice that says
// what was lost and where the copy went, as settings, the library and the store always did.
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { expect, it } from "vitest";
import { AppCore } from "../../electron/core/composition/app-core.js";
import { createTempCore } from "../support/core/temp-core.js";

const DAMAGED: Array<{ file: string; notice: RegExp }> = [
  { file: "downloads/downloads.json", notice: /The downloads list was damaged .*set aside as downloads\.json\.damaged-/ },
  { file: "catalog/measured-speed.json", notice: /The list of speeds measured on this computer was damaged .*measured-speed\.json\.damaged-/ },
  { file: "engine/threads.json", notice: /The list of thread counts measured on this computer was damaged .*threads\.json\.damaged-/ },
  { file: "cache/conversation-state/index.json", notice: /The index of saved conversation contexts was damaged .*index\.json\.damaged-/ },
  { file: "catalog/hub-facts.json", notice: /The list of file sizes kept from the hub was damaged .*hub-facts\.json\.damaged-/ },
];

it("each damaged state file gives a notice at start and is kept aside, not lost", async () => {
  const { core, dataDir } = await createTempCore();
  await core.close();
  for (const { file } of DAMAGED) {
    await mkdir(path.dirname(path.join(dataDir, file)), { recursive: true });
    await writeFile(path.join(dataDir, file), '{ "half a file');
  }
  const reopened = await AppCore.create({ dataDir, mode: "serve", env: { HOME: dataDir } });
  const notices: string[] = [];
  reopened.subscribe((name, payload) => {
    if (name === "app.notice") notices.push((payload as { message: string }).message);
  });
  try {
    await expect.poll(() => DAMAGED.filter(({ notice }) => notices.some((n) => notice.test(n))).length, { timeout: 10_000 }).toBe(DAMAGED.length);
    for (const { file } of DAMAGED) {
      const names = await readdir(path.dirname(path.join(dataDir, file)));
      expect(names.some((n) => n.startsWith(`${path.basename(file)}.damaged-`))).toBe(true);
    }
  } finally {
    await reopened.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
