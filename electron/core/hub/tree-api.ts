import { z } from "zod";
import { AppError } from "../kernel/errors.js";
import { BodyTooLarge, limitText, MAX_HUB_LISTING_BYTES, readBoundedText } from "../kernel/read-limits.js";
import { tokenAllowedFor, type HubConfig } from "./hub-config.js";

const TreeEntry = z.object({
  type: z.string(),
  path: z.string(),
  size: z.number().optional(),
  lfs: z.object({ oid: z.string(), size: z.number() }).partial().optional(),
});
export type TreeEntry = z.infer<typeof TreeEntry>;

/**
 * One folder of a hub repository from its tree API (`/api/models/{owner}/{repo}/tree/{rev}[/folder]`):
 * file sizes and, for LFS files, their sha256. Used for catalog sizes and for a download's
 * checksum when the file's headers carry none.
 */
export async function listHubFolder(
  hub: HubConfig,
  repo: string,
  options: { revision?: string; folder?: string; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<TreeEntry[]> {
  const suffix = options.folder ? `/${options.folder.split("/").map(encodeURIComponent).join("/")}` : "";
  const url = `${hub.endpoint}/api/models/${repo}/tree/${encodeURIComponent(options.revision ?? "main")}${suffix}`;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  const withToken = hub.token && tokenAllowedFor(new URL(url), new URL(hub.endpoint).origin);
  const response = await fetch(url, {
    headers: withToken ? { authorization: `Bearer ${hub.token}` } : {},
    signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
  });
  if (!response.ok) throw new AppError(response.status === 404 ? "not-found" : "unavailable", `${url} answered ${response.status}`);
  const parsed = z.array(TreeEntry).safeParse(await readCappedJson(response, url));
  if (!parsed.success) throw new AppError("failed", `${url} did not return a file list`);
  return parsed.data;
}

/** An LFS entry's sha256 (the tree API's `lfs.oid`), lower-cased; undefined when it is not one. */
export function lfsSha256(entry: TreeEntry | undefined): string | undefined {
  const oid = entry?.lfs?.oid;
  return oid && /^[0-9a-f]{64}$/i.test(oid) ? oid.toLowerCase() : undefined;
}

/** The body as JSON, read only up to MAX_HUB_LISTING_BYTES (a hostile or broken hub cannot fill memory). */
async function readCappedJson(response: Response, url: string): Promise<unknown> {
  const tooLarge = `${url} answered with more than ${limitText(MAX_HUB_LISTING_BYTES)}, more than a file list can be`;
  if (Number(response.headers.get("content-length")) > MAX_HUB_LISTING_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    throw new AppError("failed", tooLarge, { reason: "too-large" });
  }
  let text: string;
  try {
    text = await readBoundedText(response.body, MAX_HUB_LISTING_BYTES);
  } catch (err) {
    await response.body?.cancel().catch(() => undefined);
    if (err instanceof BodyTooLarge) throw new AppError("failed", tooLarge, { reason: "too-large" });
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("failed", `${url} did not return valid JSON`);
  }
}
