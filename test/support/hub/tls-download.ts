// Run as a child process with NODE_EXTRA_CA_CERTS naming the test certificate (Node reads it at
// start only): downloads over TLS, once whole and once after a dropped connection, and prints JSON.
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DownloadManager } from "../../../electron/core/downloads/manager.js";
import { startOddFileServer } from "./odd-file-server.js";

const [keyFile, certFile] = process.argv.slice(2) as [string, string];
const tls = { key: await readFile(keyFile, "utf8"), cert: await readFile(certFile, "utf8") };
const data = randomBytes(6 * 1024 * 1024 + 777);
const results = [];
for (const dropFirstAfter of [undefined, 2 * 1024 * 1024 + 5]) {
  const server = await startOddFileServer({ data, tls, dropFirstAfter });
  const dir = await mkdtemp(path.join(os.tmpdir(), "r1-tls-"));
  const manager = new DownloadManager({
    stateFile: path.join(dir, "state.json"),
    modelsDir: () => path.join(dir, "models"),
    hub: () => ({ endpoint: "https://hub.invalid" }),
    freeSpaceMarginBytes: 0,
    retry: { baseDelayMs: 10 },
  });
  await manager.init();
  const record = await manager.add({ name: "tls", source: server.url, subdir: "tls", files: [{ url: server.url, fileName: "model.gguf" }] });
  const end = await manager.waitFor(record.id);
  const sha =
    end.state === "done"
      ? createHash("sha256")
          .update(await readFile(end.paths![0]!))
          .digest("hex")
      : null;
  results.push({ dropped: dropFirstAfter !== undefined, state: end.state, reason: end.reason ?? null, shaMatches: sha === server.sha256, gets: server.gets });
  await manager.close();
  await server.close();
}
console.log(JSON.stringify(results));
