import { DownloadError, httpStatusError } from "./errors.js";
import { send, type HubAuth } from "./http.js";

/**
 * Call before reading a remote GGUF header (node-llama-cpp's `readGgufFileInfo` on a URL): against
 * a server without Range support that reader receives the whole body, which for a model means
 * gigabytes in memory. Asks for one byte and refuses unless the server answers 206 with it.
 */
export async function assertRangeSupport(url: string, auth?: HubAuth, signal?: AbortSignal): Promise<void> {
  const res = await send(url, { headers: { range: "bytes=0-0" }, auth, signal });
  // Never read the body of a 200: it may be the whole model.
  res.body.destroy();
  if (res.status === 206) return;
  if (res.status === 200) {
    throw new DownloadError(`${new URL(url).host} does not support byte ranges, so the model's header cannot be read without downloading all of it.`, false, "no-range");
  }
  throw httpStatusError(res.status, url, { sentToken: res.sentToken });
}
