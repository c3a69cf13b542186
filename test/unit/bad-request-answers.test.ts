// Requests that cannot be read get a 400 and a short sentence, never a 500, a throw, or the
// parser's raw error text: serve mode's server, the local API after its key check, and app://.
import { connect } from "node:net";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer, type RunningApiServer } from "../../electron/core/api/openai-server.js";
import type { GenerationEngine } from "../../electron/core/generation/generation-engine.js";
import type { CoreEndpoint } from "../../electron/core/kernel/endpoint.js";
import { startServeServer, type RunningServer } from "../../electron/core/transport/ws-server.js";
import { resolveAppRequest } from "../../electron/main/app-request.js";

const API_KEY = "local-key-0123456789";
let serve: RunningServer;
let api: RunningApiServer;
let staticDir: string;

beforeAll(async () => {
  staticDir = await mkdtemp(path.join(os.tmpdir(), "r1-bad-"));
  await writeFile(path.join(staticDir, "index.html"), "<!doctype html><title>R1 Local</title>");
  const core: CoreEndpoint = { dispatch: () => Promise.reject(new Error("unused")), subscribe: () => () => undefined };
  serve = await startServeServer({ core, staticDir, port: 0 });
  const engine = { loadedModel: null } as unknown as GenerationEngine;
  api = await startApiServer({ engine, apiKey: () => API_KEY, port: 0, defaults: () => ({ temperature: 0.6, topP: 0.95 }) as never });
});
afterAll(async () => {
  await serve.close();
  await api.close();
});

/** Writes raw bytes, as a hostile client may (node:http will not build these), and reads the whole answer. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString("latin1")));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
  });
}

describe("serve mode", () => {
  it.each(["GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n", "GET /\x00 HTTP/1.1\r\n\r\n"])(
    "answers an unparsable request (%j) with 400 and a short message",
    async (text) => {
      const answer = await raw(serve.port, text);
      expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(answer).toMatch(/\r\n\r\nBad Request: the request could not be read\.\n$/);
      expect(answer).not.toMatch(/HPE_|Error|at /);
    },
  );
});

describe("the local API", () => {
  it("answers an address that does not parse, after the key check, with 400 and a short message", async () => {
    const answer = await raw(
      api.port,
      `GET http://[oops HTTP/1.1\r\nHost: 127.0.0.1:${api.port}\r\nAuthorization: Bearer ${API_KEY}\r\nConnection: close\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain(JSON.stringify({ error: { message: "The request's address could not be read.", type: "invalid_request_error" } }));
    expect(answer).not.toMatch(/TypeError|Invalid URL/);
  });
});

describe("app://", () => {
  const root = "/opt/r1/renderer";
  it("answers 400 to a path whose %-escape does not decode, instead of throwing", () => {
    expect(resolveAppRequest("app://r1/%E0%A4%A", root)).toEqual({ status: 400, message: "Bad request: the address could not be read." });
    expect(resolveAppRequest("app://r1/assets/%", root)).toMatchObject({ status: 400 });
  });

  it("serves files of the renderer's folder only", () => {
    expect(resolveAppRequest("app://r1/", root)).toEqual({ file: "/opt/r1/renderer/index.html" });
    expect(resolveAppRequest("app://r1/assets/a%20b.js", root)).toEqual({ file: "/opt/r1/renderer/assets/a b.js" });
    expect(resolveAppRequest("app://r1/..%2F..%2Fetc%2Fpasswd", root)).toMatchObject({ status: 404 });
    expect(resolveAppRequest("app://other/index.html", root)).toMatchObject({ status: 404 });
  });
});
