import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { CallError } from "../../shared/errors.js";
import { CONVERSATIONS_IMPORT_PATH } from "../../shared/upload-routes.js";
import type { CoreEndpoint } from "../kernel/endpoint.js";
import { BodyTooLarge, limitText, MAX_IMPORT_BYTES } from "../kernel/read-limits.js";
import { checkUpload, type GuardConfig } from "./serve-guard.js";

/** Whether the request is for an upload route (answered by `handleUploadRequest`, not as a page file). */
export function isUploadRequest(req: IncomingMessage): boolean {
  try {
    return new URL(req.url ?? "/", "http://placeholder").pathname === CONVERSATIONS_IMPORT_PATH;
  } catch {
    return false;
  }
}

const GUARD_CODES = { 400: "bad-request", 401: "unauthorized", 403: "forbidden" } as const;

/** An upload: the guard with the token first, then the import. */
export async function handleUploadRequest(req: IncomingMessage, res: ServerResponse, guard: GuardConfig, core: CoreEndpoint): Promise<void> {
  const verdict = checkUpload(req, guard);
  if (!verdict.ok) return refuseAndClose(req, res, verdict.status, { code: GUARD_CODES[verdict.status], message: `${verdict.reason}.` });
  await handleImportUpload(req, res, core);
}

/**
 * `conversations.import` as an upload (serve mode): the file is streamed to a private temp file,
 * refused past `maxBytes`, then handed to the same call the contract defines, so the import itself
 * and its messages are the ones Electron's IPC gets. The guard (Host, Origin, token) ran before.
 */
export async function handleImportUpload(req: IncomingMessage, res: ServerResponse, core: CoreEndpoint, maxBytes = MAX_IMPORT_BYTES): Promise<void> {
  const tooLarge = `This file is larger than ${limitText(maxBytes)}, more than a conversation export may be; nothing was imported.`;
  if (req.method !== "POST") return refuseAndClose(req, res, 405, { code: "bad-request", message: "Upload the file with POST." });
  if (Number(req.headers["content-length"]) > maxBytes) return refuseAndClose(req, res, 413, { code: "bad-request", message: tooLarge });
  const dir = await mkdtemp(path.join(tmpdir(), "r1-import-"));
  try {
    const file = path.join(dir, "upload.json");
    try {
      await pipeline(req, countingLimit(maxBytes), createWriteStream(file, { mode: 0o600 }));
    } catch (err) {
      if (err instanceof BodyTooLarge) return refuseAndClose(req, res, 413, { code: "bad-request", message: tooLarge });
      throw err;
    }
    const outcome = await core.dispatch("conversations.import", { content: await readFile(file, "utf8") });
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" }).end(JSON.stringify(outcome));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Passes bytes through until `limit`, then fails with BodyTooLarge. */
function countingLimit(limit: number): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      done(total > limit ? new BodyTooLarge(limit) : null, total > limit ? undefined : chunk);
    },
  });
}

/**
 * A refusal in the shape a call's failure has, so the page shows the message as it shows any other;
 * then the connection closes, so the rest of a refused body is never read.
 */
function refuseAndClose(req: IncomingMessage, res: ServerResponse, status: number, error: CallError): void {
  res.on("finish", () => req.destroy());
  res
    .writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", connection: "close" })
    .end(JSON.stringify({ ok: false, error }));
}
