import { request } from "node:http";
import { connect } from "node:net";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import { startServeServer, type RunningServer } from "../../electron/core/transport/ws-server.js";
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

function get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: server.port, path: pathAndQuery, headers }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

const withToken = (token = server.token) => ["r1-local", `r1-token.${token}`];

function openSocket(headers: Record<string, string>, protocols: string[] = withToken(), options: { maxPayload?: number } = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, protocols, { headers, ...options });
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once("error", reject);
  });
}

function roundTrip(ws: WebSocket, message: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    ws.once("message", (data) => resolve(JSON.parse(data.toString()) as Record<string, unknown>));
    ws.send(typeof message === "string" ? message : JSON.stringify(message));
  });
}

/** A raw request line and headers, as a hostile client may send them (node:http refuses to build some). */
function rawRequest(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, "127.0.0.1", () => socket.write(text));
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString("latin1")));
    socket.on("end", () => resolve(answer));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
  });
}

async function stillAnswers(): Promise<void> {
  const ws = await openSocket({ origin });
  expect(await roundTrip(ws, { t: "call", id: 1, name: "app.info", payload: {} })).toMatchObject({ id: 1, ok: true });
  ws.close();
}

describe("serve mode", () => {
  it("prints an address on loopback whose token is in the fragment, which browsers never send", () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/#token=${server.token}$`));
    expect(server.token.length).toBeGreaterThanOrEqual(24);
  });

  it("serves the page (no secret in it) with a strict CSP and sets no cookie", async () => {
    const page = await get("/");
    expect(page.status).toBe(200);
    expect(page.body).toContain("R1 Local");
    expect(page.headers["set-cookie"]).toBeUndefined();
    expect(String(page.headers["content-security-policy"])).toContain("default-src 'self'");
  });

  it("opens the WebSocket only with the token in the handshake, never from a cookie", async () => {
    await expect(openSocket({ origin }, ["r1-local"])).rejects.toThrow("HTTP 401");
    await expect(openSocket({ origin }, withToken("wrong"))).rejects.toThrow("HTTP 401");
    await expect(openSocket({ origin, cookie: `r1_token=${server.token}` }, ["r1-local"])).rejects.toThrow("HTTP 401");
    const ws = await openSocket({ origin });
    expect(ws.protocol).toBe("r1-local");
    ws.close();
  });

  it("answers 403 to a foreign Origin, even with the token", async () => {
    expect((await get("/", { origin: "http://evil.example" })).status).toBe(403);
    await expect(openSocket({ origin: "http://evil.example" })).rejects.toThrow("HTTP 403");
    await expect(openSocket({ origin: `http://127.0.0.1:${server.port + 1}` })).rejects.toThrow("HTTP 403");
  });

  it("answers 403 to a rebinding Host header, even with the token", async () => {
    expect((await get("/", { host: `attacker.example:${server.port}` })).status).toBe(403);
    await expect(openSocket({ origin, host: `attacker.example:${server.port}` })).rejects.toThrow("HTTP 403");
  });

  it("refuses a WebSocket without an Origin", async () => {
    await expect(openSocket({})).rejects.toThrow("HTTP 403");
  });

  it("answers 400 to malformed cookies, addresses and paths, and keeps serving", async () => {
    expect((await get("/", { cookie: "r1_token=%E0%A4%A" })).status).toBe(200); // cookies are not read at all
    expect((await get("/%E0%A4%A")).status).toBe(400);
    expect((await get("/assets/%")).status).toBe(400);
    expect((await get("/..%2F..%2Fetc%2Fpasswd")).status).toBe(404);
    expect(
      await rawRequest(
        `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nOrigin: ${origin}\r\nCookie: r1_token=%\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      ),
    ).toMatch(/^HTTP\/1\.1 401/);
    expect(
      await rawRequest(
        `GET /%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nOrigin: ${origin}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: r1-local, r1-token.${server.token}\r\n\r\n`,
      ),
    ).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawRequest("GARBAGE\r\n\r\n")).toMatch(/^$|^HTTP\/1\.1 400/);
    await stillAnswers();
  });

  it("closes only the offending socket on a protocol error or a message over 16 MiB, and keeps serving", async () => {
    const ws = await openSocket({ origin });
    const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
    ws.on("error", () => undefined);
    // An invalid frame (reserved opcode 0x3), straight onto the socket: a protocol error.
    (ws as unknown as { _socket: import("node:net").Socket })._socket.write(Buffer.from([0x83, 0x80, 0, 0, 0, 0]));
    expect(await closed).toBeGreaterThanOrEqual(1002);
    await stillAnswers();

    // A call up to the limit is answered (the content is no valid export)…
    const big = await openSocket({ origin });
    const content = JSON.stringify({ format: "r1-local-export", padding: "x".repeat(6 * 1024 * 1024) });
    expect(await roundTrip(big, { t: "call", id: 7, name: "conversations.import", payload: { content } })).toMatchObject({ id: 7 });
    // …a 20 MiB message closes that socket with 1009 (too big) before it is read; imports go by upload.
    const bigClosed = new Promise<number>((resolve) => big.once("close", (code) => resolve(code)));
    big.on("error", () => undefined);
    big.send(JSON.stringify({ t: "call", id: 8, name: "conversations.import", payload: { content: "x".repeat(20 * 1024 * 1024) } }));
    expect(await bigClosed).toBe(1009);
    await stillAnswers();
  });

  it("does a real round trip over the WebSocket, and answers malformed messages with a clear error", async () => {
    const ws = await openSocket({ origin });
    const reply = await roundTrip(ws, { t: "call", id: 1, name: "app.info", payload: {} });
    expect(reply).toMatchObject({ t: "result", id: 1, ok: true, value: { name: "R1 Local", mode: "serve" } });
    expect(await roundTrip(ws, "{not json")).toMatchObject({ ok: false, error: { code: "bad-request", message: "Message is not JSON." } });
    expect(await roundTrip(ws, { t: "call", id: 2, name: "app.info" })).toMatchObject({ id: 2, ok: true });
    expect(await roundTrip(ws, { t: "call", id: 3, name: "jobs.cancel", payload: { jobId: [] } })).toMatchObject({
      id: 3,
      ok: false,
      error: { code: "bad-request" },
    });
    ws.close();
  });

  it("refuses to bind a non-loopback address without an explicit flag", async () => {
    await expect(startServeServer({ core, staticDir: os.tmpdir(), host: "0.0.0.0", port: 0 })).rejects.toThrow(/--allow-remote/);
  });
});

describe("the data folder", () => {
  it("is used by one R1 Local at a time, with a message that says which process holds it", async () => {
    const { AppCore } = await import("../../electron/core/composition/app-core.js");
    const info = await core.dispatch("app.info", {});
    const dataDir = info.ok ? (info.value as { dataDir: string }).dataDir : "";
    await expect(AppCore.create({ dataDir, mode: "serve", env: { HOME: dataDir } })).rejects.toThrow(
      `already running with the data folder ${dataDir} (process ${process.pid})`,
    );
  });
});
