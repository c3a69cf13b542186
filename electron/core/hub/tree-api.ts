import { z } from "zod";
import { AppError } from "../kernel/errors.js";
import type { HubConfig } from "./hub-config.js";

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
  const response = await fetch(url, {
    headers: hub.token ? { authorization: `Bearer ${hub.token}` } : {},
    signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
  });
  if (!response.ok) throw new AppError(response.status === 404 ? "not-found" : "unavailable", `${url} answered ${response.status}`);
  const parsed = z.array(TreeEntry).safeParse(await response.json());
  if (!parsed.success) throw new AppError("failed", `${url} did not return a file list`);
  return parsed.data;
}

/** An LFS entry's sha256 (the tree API's `lfs.oid`), lower-cased; undefined when it is not one. */
export function lfsSha256(entry: TreeEntry | undefined): string | undefined {
  const oid = entry?.lfs?.oid;
  return oid && /^[0-9a-f]{64}$/i.test(oid) ? oid.toLowerCase() : undefined;
}
