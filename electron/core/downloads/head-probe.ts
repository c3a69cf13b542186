import { httpStatusError } from "./errors.js";
import { send, unquote } from "./http.js";
import type { HubConfig } from "../hub/hub-config.js";
import { hubAuth, sha256FromTree } from "./sources.js";
import type { DownloadFileRecord } from "./state-file.js";

const SHA256_HEX = /^[0-9a-f]{64}$/i;

/**
 * Learns a file's size and published sha256 before any byte moves: from a HEAD (the hub's
 * x-linked-* headers, Content-Length), then the hub's tree API, then an ETag that is a sha256.
 * Fills only what the file record lacks; a catalog's pinned sha256 is never replaced.
 */
export async function probeFile(file: DownloadFileRecord, context: { hub: () => HubConfig; repo?: string; signal: AbortSignal }): Promise<void> {
  const { signal } = context;
  const res = await send(file.url, { method: "HEAD", auth: hubAuth(context.hub()), signal });
  res.body.resume();
  // Some plain servers refuse HEAD: the GET will tell the size instead.
  if (res.status === 405 || res.status === 501) return;
  if (res.status !== 200 && res.status !== 206) throw httpStatusError(res.status, file.url, { sentToken: res.sentToken, repo: context.repo });
  const length = Number(res.headers["content-length"]);
  file.size ??= res.linked.size ?? (Number.isSafeInteger(length) ? length : undefined);
  if (!file.sha256 && res.linked.sha256) {
    file.sha256 = res.linked.sha256;
    file.sha256Source = "hub";
  }
  if (!file.sha256) {
    const etag = unquote(res.headers.etag);
    const fromTree = await sha256FromTree(file.url, context.hub(), signal);
    if (fromTree) {
      file.sha256 = fromTree;
      file.sha256Source = "tree";
    } else if (etag && SHA256_HEX.test(etag)) {
      file.sha256 = etag.toLowerCase();
      file.sha256Source = "hub";
    }
  }
}
