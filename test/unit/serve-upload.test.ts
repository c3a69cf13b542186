// Serve mode's import upload: a conversation export comes in as an authenticated HTTP POST (the
// WebSocket takes 16 MiB at most), guarded like the socket, bounded, and imported by the same call.
import { request } from "node:http";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import { handleImportUpload } from "../../electron/core/transport/import-upload.js";
import { startServeServer, type RunningServer } from "../../electron/core/transport/ws-server.js";
import { CONVERSATIONS_IMPORT_PATH } from "../../electron/shared/upload-routes.js";
import { callOk } from "../support/core/wait-for-event.js";
import { createTempCore } from "../support/core/temp-core.js";

let core: AppCore;
let dispose: () => Promise<void>;
let server: RunningServer;
let origin: string;

beforeAll(async () => {
  ({ core, dispose } = await createTempCore());
  const staticDir = await mkdtemp(path.join(os.tmpdir(), "r1-static-"));
  await writeFile(path.join(staticDir, "index.html"), "<!doctype html><title>R1 Local</title>");
  server = await startServeServer({ core, staticDir, port: 0 });
  origin = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
  await dispose();
});

const at = 1_760_000_000_000;
const archive = (title: string) =>
  JSON.stringify({
    format: "r1-local.conversations",
    version: 1,
    exportedAt: at,
    conversations: [
      {
        id: "0b9a3c52-5f0e-4c8e-9d52-6f1f1c2a7e01",
        title,
        titleSource: "user",
        model: null,
        variant: null,
        settings: {},
        pinned: false,
        createdAt: at,
        updatedAt: at,
        messageCount: 1,
        messages: [{ id: "7f6c1d2e-0000-4000-8000-000000000001", role: "user", text: "Hello?", attachments: [], createdAt: at }],
      },
    ],
  });

/** POSTs `body` to `where`; resolves with the status and the parsed answer (or the raw text). */
function post(where: string, body: Buffer | string, headers: Record<string, string>, port = server.port): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: where, method: "POST", headers }, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
        } catch {
          resolve({ status: res.statusCode ?? 0, body: text });
        }
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

const authorised = () => ({ origin, authorization: `Bearer ${server.token}`, "content-type": "application/json" });

describe("the import upload", () => {
  it("imports an export posted with the token, as the call would, and the conversation is stored", async () => {
    const answer = await post(CONVERSATIONS_IMPORT_PATH, archive("Uploaded review"), authorised());
    expect(answer).toMatchObject({ status: 200, body: { ok: true, value: { imported: [{ title: "Uploaded review" }] } } });
    const listed = await callOk(core, "conversations.list", {});
    expect(listed.conversations.map((c) => c.title)).toContain("Uploaded review");
  });

  it("answers a file that is no export with the import's own message", async () => {
    const answer = await post(CONVERSATIONS_IMPORT_PATH, '{"format": "r1-local.conversations", "version": 1', authorised());
    expect(answer).toMatchObject({ status: 200, body: { ok: false, error: { code: "bad-request", message: expect.stringContaining("not JSON") } } });
  });

  it("refuses an upload without the token, with a wrong one, or from a foreign page, and imports nothing", async () => {
    const before = (await callOk(core, "conversations.list", {})).total;
    const body = archive("Should not arrive");
    expect(await post(CONVERSATIONS_IMPORT_PATH, body, { origin })).toMatchObject({ status: 401, body: { ok: false, error: { code: "unauthorized" } } });
    expect(await post(CONVERSATIONS_IMPORT_PATH, body, { origin, authorization: "Bearer wrong" })).toMatchObject({ status: 401 });
    expect(await post(CONVERSATIONS_IMPORT_PATH, body, { ...authorised(), origin: "http://evil.example" })).toMatchObject({ status: 403 });
    expect(await post(CONVERSATIONS_IMPORT_PATH, body, { authorization: `Bearer ${server.token}` })).toMatchObject({ status: 403 });
    expect((await callOk(core, "conversations.list", {})).total).toBe(before);
  });

  it("refuses a file past the limit, announced or not, with a message, and keeps serving", async () => {
    // A small server with a 1 MiB limit shows the cap without sending 512 MiB.
    const { createServer } = await import("node:http");
    const small = createServer((req, res) => void handleImportUpload(req, res, core, 1024 * 1024));
    await new Promise<void>((resolve) => small.listen(0, "127.0.0.1", resolve));
    const port = (small.address() as { port: number }).port;
    try {
      const tooBig = Buffer.alloc(3 * 1024 * 1024, " ");
      const announced = await post("/", tooBig, { "content-type": "application/json" }, port);
      expect(announced).toMatchObject({ status: 413, body: { ok: false, error: { message: expect.stringContaining("larger than 1.0 MiB") } } });
      const streamed = await post("/", tooBig, { "content-type": "application/json", "transfer-encoding": "chunked" }, port);
      expect(streamed).toMatchObject({ status: 413, body: { ok: false, error: { message: expect.stringContaining("nothing was imported") } } });
      expect(await post("/", archive("Small enough"), { "content-type": "application/json" }, port)).toMatchObject({ status: 200, body: { ok: true } });
    } finally {
      await new Promise((resolve) => small.close(resolve));
    }
  });
});
