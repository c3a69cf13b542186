// Secrets stay with the origin they were given for: a remote server's API key and the hub token are
// sent only to that scheme://host:port. A fake server per origin records every Authorization
// header it receives, so each test sees where a secret actually went.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AppCore } from "../../electron/core/composition/app-core.js";
import { callOk } from "../support/core/wait-for-event.js";
import { startAuthRecorder, type AuthRecorder } from "../support/remote/auth-recorder.js";

const KEY = "sk-origin-0123456789abcdefWXYZ";
const TOKEN = "hf_originTOKENorigin5678";
const ENDPOINT = { name: "Lab", model: "m", preset: "vllm", family: "r1-distill" } as const;

let a: AuthRecorder;
let b: AuthRecorder;
let dataDir: string;
let core: AppCore;

beforeAll(async () => {
  [a, b] = await Promise.all([startAuthRecorder(), startAuthRecorder()]);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
});
afterEach(async () => {
  await core?.close();
  await rm(dataDir, { recursive: true, force: true });
  a.seen.length = 0;
  b.seen.length = 0;
});

async function startCore(files: Record<string, unknown> = {}): Promise<AppCore> {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "r1-origin-"));
  for (const [name, value] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dataDir, name)), { recursive: true });
    await writeFile(path.join(dataDir, name), JSON.stringify(value), { mode: 0o600 });
  }
  core = await AppCore.create({ dataDir, mode: "serve", env: { HOME: dataDir } });
  return core;
}

const auths = (server: AuthRecorder) => server.seen.map((r) => r.authorization);

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`Never happened: ${what}`);
}

describe("a remote server's key", () => {
  it("remote.test with a new address sends only a key given in the same call, never the saved one", async () => {
    await startCore();
    const saved = await callOk(core, "remote.save", { ...ENDPOINT, baseUrl: `${a.url}/v1`, apiKey: KEY });
    await callOk(core, "remote.test", { id: saved.id });
    expect(auths(a)).toEqual([`Bearer ${KEY}`]);

    await callOk(core, "remote.test", { id: saved.id, baseUrl: `${b.url}/v1` });
    expect(auths(b)).toEqual([undefined]);
    await callOk(core, "remote.test", { id: saved.id, baseUrl: `${b.url}/v1`, apiKey: "sk-given-for-b" });
    expect(auths(b)).toEqual([undefined, "Bearer sk-given-for-b"]);
    // The same host under another name is another origin too.
    await callOk(core, "remote.test", { id: saved.id, baseUrl: `${a.url.replace("127.0.0.1", "localhost")}/v1` });
    expect(auths(a)).toEqual([`Bearer ${KEY}`, undefined]);
  });

  it("remote.save with a new address and no key drops the key; the old origin's key never reaches the new one", async () => {
    await startCore();
    const saved = await callOk(core, "remote.save", { ...ENDPOINT, baseUrl: `${a.url}/v1`, apiKey: KEY });
    // Another path on the same origin keeps it.
    const samePlace = await callOk(core, "remote.save", { ...ENDPOINT, id: saved.id, baseUrl: `${a.url}/api/v1` });
    expect(samePlace).toMatchObject({ hasKey: true, keyHint: "…WXYZ" });

    const moved = await callOk(core, "remote.save", { ...ENDPOINT, id: saved.id, baseUrl: `${b.url}/v1` });
    expect(moved).toMatchObject({ hasKey: false, keyHint: null });
    expect(await readFile(path.join(dataDir, "remote-endpoints.json"), "utf8")).not.toContain(KEY);
    await callOk(core, "remote.test", { id: saved.id });
    await callOk(core, "remote.select", { id: saved.id });
    const conversation = await callOk(core, "conversations.create", {});
    await core.dispatch("chat.send", { conversationId: conversation.id, prompt: "Hello" });
    await until(() => b.seen.length >= 2, "the chat request reached the new address");
    expect(auths(b)).toEqual([undefined, undefined]);

    // Moving back does not bring the key back: it was dropped, not hidden.
    const back = await callOk(core, "remote.save", { ...ENDPOINT, id: saved.id, baseUrl: `${a.url}/v1` });
    expect(back.hasKey).toBe(false);
  });

  it("a list saved before keys had an origin keeps each key, bound to the address it has", async () => {
    const old = { id: "old1", name: "Old", baseUrl: `${a.url}/v1`, model: "m", preset: "vllm", family: "r1-distill", apiKey: KEY };
    await startCore({ "remote-endpoints.json": { endpoints: [old], selected: null } });
    expect((await callOk(core, "remote.list", {})).endpoints[0]).toMatchObject({ hasKey: true, sendKeyOverHttp: false });
    await callOk(core, "remote.test", { id: "old1" });
    expect(auths(a)).toEqual([`Bearer ${KEY}`]);
    const stored = JSON.parse(await readFile(path.join(dataDir, "remote-endpoints.json"), "utf8")) as { endpoints: Array<{ keyOrigin: string }> };
    expect(stored.endpoints[0]?.keyOrigin).toBe(a.url);
    await callOk(core, "remote.test", { id: "old1", baseUrl: `${b.url}/v1` });
    expect(auths(b)).toEqual([undefined]);
  });
});

describe("the hub token", () => {
  const download = async (file: string) => {
    const seenBefore = b.seen.length + a.seen.length;
    await callOk(core, "downloads.start", { source: `hf:org/repo/${file}` });
    await until(() => a.seen.length + b.seen.length > seenBefore, `a request for ${file}`);
  };

  it("changing only the hub endpoint drops the token: the next download sends nothing to the new host", async () => {
    await startCore();
    await callOk(core, "settings.update", { patch: { hub: { endpoint: a.url, token: TOKEN } } });
    await download("first.gguf");
    expect(auths(a)[0]).toBe(`Bearer ${TOKEN}`);

    const moved = await callOk(core, "settings.update", { patch: { hub: { endpoint: b.url } } });
    expect(moved.settings.hub).toMatchObject({ endpoint: b.url, tokenSet: false, tokenHint: null });
    await download("second.gguf");
    expect(b.seen.length).toBeGreaterThan(0);
    expect(auths(b).every((h) => h === undefined)).toBe(true);
    expect(await readFile(path.join(dataDir, "settings.json"), "utf8")).not.toContain(TOKEN);

    // Given again for the new endpoint, it goes there.
    await callOk(core, "settings.update", { patch: { hub: { endpoint: b.url, token: TOKEN } } });
    b.seen.length = 0;
    await download("third.gguf");
    expect(auths(b)[0]).toBe(`Bearer ${TOKEN}`);
  });

  it("settings saved before tokens had an origin keep the token for the endpoint they name", async () => {
    await startCore({ "settings.json": { version: 1, hub: { endpoint: a.url, token: TOKEN } } });
    expect((await callOk(core, "settings.get", {})).settings.hub).toMatchObject({ tokenSet: true, tokenHint: "5678" });
    await download("kept.gguf");
    expect(auths(a)[0]).toBe(`Bearer ${TOKEN}`);
    const stored = JSON.parse(await readFile(path.join(dataDir, "settings.json"), "utf8")) as { hub: { tokenOrigin: string } };
    expect(stored.hub.tokenOrigin).toBe(a.url);
  });
});
