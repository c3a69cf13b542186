import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DownloadManager } from "../../electron/core/downloads/manager.js";
import { startOddFileServer } from "../support/hub/odd-file-server.js";

// The download GET reads sockets directly for speed and falls back to undici for framings it
// does not parse; these cover what the local hub does not send: chunked bodies and TLS.
async function download(url: string) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "r1-transport-"));
  const manager = new DownloadManager({
    stateFile: path.join(dir, "state.json"),
    modelsDir: () => path.join(dir, "models"),
    hub: () => ({ endpoint: "https://hub.invalid" }),
    freeSpaceMarginBytes: 0,
    retry: { baseDelayMs: 10 },
  });
  await manager.init();
  const record = await manager.add({ name: "odd", source: url, subdir: "odd", files: [{ url, fileName: "model.gguf" }] });
  const end = await manager.waitFor(record.id);
  await manager.close();
  return {
    end,
    sha256:
      end.state === "done"
        ? createHash("sha256")
            .update(await readFile(end.paths![0]!))
            .digest("hex")
        : undefined,
  };
}

describe("download transports", () => {
  it("downloads a chunked body (no Content-Length) and verifies it", async () => {
    const server = await startOddFileServer({ data: randomBytes(5 * 1024 * 1024 + 3), chunked: true });
    const { end, sha256 } = await download(server.url);
    await server.close();
    expect(end.state, end.reason ?? "").toBe("done");
    expect(sha256).toBe(server.sha256);
  });

  it("resumes a chunked body after a dropped connection", async () => {
    const server = await startOddFileServer({ data: randomBytes(5 * 1024 * 1024 + 3), chunked: true, dropFirstAfter: 1024 * 1024 + 1 });
    const { end, sha256 } = await download(server.url);
    await server.close();
    expect(end.state, end.reason ?? "").toBe("done");
    expect(sha256).toBe(server.sha256);
    expect(server.gets).toBe(2);
  });

  it("downloads over TLS, whole and after a dropped connection, with correct bytes", () => {
    const dir = execFileSync("mktemp", ["-d"], { encoding: "utf8" }).trim();
    const key = path.join(dir, "key.pem");
    const cert = path.join(dir, "cert.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    const output = execFileSync(process.execPath, ["--import", "tsx", path.resolve(import.meta.dirname, "../support/hub/tls-download.ts"), key, cert], {
      encoding: "utf8",
      env: { ...process.env, NODE_EXTRA_CA_CERTS: cert },
      timeout: 120_000,
    });
    const results = JSON.parse(output.trim().split("\n").at(-1)!) as { dropped: boolean; state: string; shaMatches: boolean; gets: number }[];
    expect(results).toEqual([
      { dropped: false, state: "done", reason: null, shaMatches: true, gets: 1 },
      { dropped: true, state: "done", reason: null, shaMatches: true, gets: 2 },
    ]);
  });
});
