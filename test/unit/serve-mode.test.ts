import { request } from "node:http";
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

const cookie = () => `r1_token=${server.token}`;

function openSocket(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { headers });
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

describe("serve mode", () => {
  it("prints an address on loopback that carries the token", () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=${server.token}$`));
    expect(server.token.length).toBeGreaterThanOrEqual(24);
  });

  it("answers 401 without a token and with a wrong one", async () => {
    expect((await get("/")).status).toBe(401);
    expect((await get("/?token=wrong")).status).toBe(401);
    expect((await get("/", { cookie: "r1_token=wrong" })).status).toBe(401);
  });

  it("trades the token for an HttpOnly cookie, then serves the app with a strict CSP", async () => {
    const first = await get(`/?token=${server.token}`);
    expect(first.status).toBe(302);
    expect(String(first.headers["set-cookie"])).toMatch(/r1_token=.*HttpOnly; SameSite=Strict/);
    const page = await get("/", { cookie: cookie() });
    expect(page.status).toBe(200);
    expect(page.body).toContain("R1 Local");
    expect(String(page.headers["content-security-policy"])).toContain("default-src 'self'");
  });

  it("answers 403 to a foreign Origin, even with the token", async () => {
    expect((await get("/", { cookie: cookie(), origin: "http://evil.example" })).status).toBe(403);
    await expect(openSocket({ cookie: cookie(), origin: "http://evil.example" })).rejects.toThrow("HTTP 403");
  });

  it("answers 403 to a rebinding Host header, even with the token", async () => {
    expect((await get(`/?token=${server.token}`, { host: `attacker.example:${server.port}` })).status).toBe(403);
    await expect(openSocket({ cookie: cookie(), origin, host: `attacker.example:${server.port}` })).rejects.toThrow("HTTP 403");
  });

  it("refuses a WebSocket without the token or without an Origin", async () => {
    await expect(openSocket({ origin })).rejects.toThrow("HTTP 401");
    await expect(openSocket({ cookie: cookie() })).rejects.toThrow("HTTP 403");
  });

  it("does a real round trip over the WebSocket, and answers malformed messages with a clear error", async () => {
    const ws = await openSocket({ cookie: cookie(), origin });
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
