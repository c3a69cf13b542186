import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import { editorConfigs } from "../../renderer/src/lib/editor/editor-configs.js";
import { ensureFixture, REPO_ROOT, TOOL_SCRIPT_ANSWER } from "../fixtures/models.js";
import { createTempCore } from "../support/core/temp-core.js";
import { callOk, waitForEvent } from "../support/core/wait-for-event.js";

// Continue's CLI in headless mode (`cn -p`) with the config the editor-setup panel gives, against a
// scripted model that calls Continue's Read tool and then answers from the file's contents.

const run = promisify(execFile);
let core: AppCore;
let dispose: () => Promise<void>;
let folder: string;
let configFile: string;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  ({ core, dispose } = await createTempCore());
  const loaded = waitForEvent(core, "engine.loaded");
  await callOk(core, "engine.load", { path: await ensureFixture("scripted-r1-0528-continue-cli"), contextSize: 49152, threads: 1 });
  const model = (await loaded).model;
  await callOk(core, "settings.update", { patch: { apiServer: { enabled: true, port: await freePort() } } });
  const status = await callOk(core, "api.status", {});
  folder = await mkdtemp(path.join(os.tmpdir(), "r1-continue-"));
  await writeFile(path.join(folder, "notes.txt"), "launch code: 7-4-1\n");
  const config = editorConfigs({ baseUrl: status.url!, apiKey: status.apiKey, model: model.name, contextSize: model.contextSize })[0]!;
  configFile = path.join(folder, "config.yaml");
  await writeFile(configFile, config.text);
});
afterAll(async () => {
  await dispose();
  await rm(folder, { recursive: true, force: true });
});

describe("Continue's CLI", () => {
  it("reads a file with a tool call and answers from it, with the editor setup's config", async () => {
    const cn = path.join(REPO_ROOT, "node_modules", ".bin", "cn");
    const { stdout } = await run(cn, ["-p", "What does notes.txt say?", "--config", configFile, "--auto"], {
      cwd: folder,
      env: { ...process.env, HOME: folder, CONTINUE_GLOBAL_DIR: path.join(folder, ".continue"), NO_COLOR: "1" },
      timeout: 150_000,
    });
    expect(stdout).toContain(TOOL_SCRIPT_ANSWER);
  }, 180_000);
});
