// The log file: what went wrong can be read afterwards (stacks of unexpected failures, remote
// failures, damaged files set aside), and nothing a person typed or keeps secret is in it.
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppCore } from "../../electron/core/composition/app-core.js";
import { RotatingLogFile } from "../../electron/core/kernel/log-file.js";
import { callOk, waitForEvent } from "../support/core/wait-for-event.js";
import { createTempCore } from "../support/core/temp-core.js";
import { freePort } from "../support/llama-server/llama-server.js";
import { startWireServer, WIRE_MODEL, type WireServer } from "../support/remote/wire-server.js";

const REMOTE_KEY = "sk-remote-LogTest7f3a9c2e55";
const HUB_TOKEN = "hf_LogTestToken0123456789abc";
const PROMPT = "Plum-Elephant-7731 is my private question";

let wire: WireServer;
let core: AppCore;
let dataDir: string;
let dispose: () => Promise<void>;
const logFile = () => readFile(path.join(dataDir, "logs", "r1-local.log"), "utf8");

beforeAll(async () => {
  wire = await startWireServer();
  ({ core, dataDir, dispose } = await createTempCore());
});
afterAll(async () => {
  await dispose();
  await wire.close();
});

describe("the log file", () => {
  it("keeps the stack of an unexpected failure, remote failures and set-aside files, and never a key, a token or a prompt", async () => {
    // A hub token in use, against a hub that is not there.
    const closedPort = await freePort();
    await callOk(core, "settings.update", { patch: { hub: { endpoint: `http://127.0.0.1:${closedPort}`, token: HUB_TOKEN } } });
    await core.dispatch("catalog.refresh", {});

    // A remote server with a key, answering the prompt with a server error.
    const saved = await callOk(core, "remote.save", {
      name: "Lab vLLM",
      baseUrl: wire.url,
      model: WIRE_MODEL,
      preset: "vllm",
      family: "r1-0528",
      apiKey: REMOTE_KEY,
    });
    await callOk(core, "remote.select", { id: saved.id });
    wire.set("vllm", { kind: "status", status: 500, body: { error: { message: "the server ran out of memory" } } });
    const conversation = await callOk(core, "conversations.create", {});
    const { jobId } = await callOk(core, "chat.send", { conversationId: conversation.id, prompt: PROMPT });
    const done = await waitForEvent(core, "chat.done", (d) => d.jobId === jobId);
    expect(done.stopReason).toBe("error");
    const refused = await core.dispatch("remote.test", { id: saved.id });
    expect(refused.ok).toBe(false);
    expect(wire.requests.some((r) => JSON.stringify(r).includes(PROMPT))).toBe(true);

    // Something nobody wrote a message for: the settings file turned into a folder under the app.
    const settingsFile = path.join(dataDir, "settings.json");
    await rm(settingsFile, { force: true });
    await mkdir(path.join(settingsFile, "inside"), { recursive: true });
    const broken = await core.dispatch("settings.update", { patch: { theme: "dark" } });
    expect(broken.ok ? null : broken.error.code).toBe("failed");
    await rm(settingsFile, { recursive: true, force: true });

    const log = await logFile();
    // The person saw "failed"; the log has where it came from.
    expect(log).toMatch(/error +call settings\.update: Error: E[A-Z]+.*\n +at [\s\S]*?\n +at writeFileAtomicSync/);
    expect(log).toContain("Answer from remote endpoint");
    expect(log).toContain("the server ran out of memory");
    expect(log).toMatch(/Remote test of 127\.0\.0\.1:\d+ failed/);
    for (const secret of [REMOTE_KEY, HUB_TOKEN, PROMPT, "Plum-Elephant"]) expect(log).not.toContain(secret);
  });

  it("records a damaged file that was set aside at start", async () => {
    const other = await createTempCore();
    await other.core.close();
    await writeFile(path.join(other.dataDir, "library.json"), "{ not json");
    const reopened = await AppCore.create({ dataDir: other.dataDir, mode: "serve", env: { HOME: other.dataDir } });
    await reopened.close();
    const log = await readFile(path.join(other.dataDir, "logs", "r1-local.log"), "utf8");
    expect(log).toMatch(/warn +Notice: The model library list was damaged .* saved as library\.json\.damaged-/);
    await rm(other.dataDir, { recursive: true, force: true });
  });
});

describe("the log's files", () => {
  it("rotate at their size limit and keep a few older files, dropping the oldest", async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), "r1-log-"));
    const log = new RotatingLogFile(folder, { maxBytes: 1000, keep: 3 });
    for (let n = 0; n < 100; n++) log.warn(`line ${n} ${"x".repeat(40)}`);
    expect((await readdir(folder)).sort()).toEqual(["r1-local.1.log", "r1-local.2.log", "r1-local.log"]);
    for (const name of await readdir(folder)) expect((await stat(path.join(folder, name))).size).toBeLessThanOrEqual(1000);
    expect(await readFile(path.join(folder, "r1-local.log"), "utf8")).toContain("line 99 ");
    expect(await readFile(path.join(folder, "r1-local.2.log"), "utf8")).not.toContain("line 0 ");
    await rm(folder, { recursive: true, force: true });
  });

  it("write what looks like a credential as [redacted], whoever passed it", async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), "r1-log-"));
    new RotatingLogFile(folder).warn(`sent Authorization: Bearer abc.def and ${HUB_TOKEN} and api_key=${REMOTE_KEY}`);
    const text = await readFile(path.join(folder, "r1-local.log"), "utf8");
    expect(text).toContain("Bearer [redacted]");
    for (const secret of ["abc.def", HUB_TOKEN, REMOTE_KEY]) expect(text).not.toContain(secret);
    await rm(folder, { recursive: true, force: true });
  });
});

describe("app.openLogFolder", () => {
  it("opens only the log's own folder in Electron, and in serve mode names it instead", async () => {
    const served = await callOk(core, "app.openLogFolder", {});
    expect(served).toEqual({ opened: false, folder: path.join(dataDir, "logs") });

    const electronData = await mkdtemp(path.join(os.tmpdir(), "r1-log-electron-"));
    const asked: string[] = [];
    const electron = await AppCore.create({
      dataDir: electronData,
      mode: "electron",
      env: { HOME: electronData },
      openFolder: async (folder) => (asked.push(folder), true),
    });
    expect(await callOk(electron, "app.openLogFolder", {})).toEqual({ opened: true, folder: path.join(electronData, "logs") });
    expect(asked).toEqual([path.join(electronData, "logs")]);
    expect((await electron.dispatch("app.openLogFolder", { folder: "/etc" })).ok).toBe(false);
    await electron.close();
    await rm(electronData, { recursive: true, force: true });
  });
});
