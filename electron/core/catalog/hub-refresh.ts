import { z } from "zod";
import type { LoadedModel, HubFacts } from "./load-catalog.js";

const TreeEntry = z.object({
  type: z.string(),
  path: z.string(),
  size: z.number().optional(),
  lfs: z.object({ oid: z.string(), size: z.number() }).partial().optional(),
});
const Tree = z.array(TreeEntry);

export interface HubRefreshOptions {
  /** https://huggingface.co or a mirror (HF_ENDPOINT); tests use the local hub. */
  endpoint: string;
  token?: string;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
}

async function listFolder(o: HubRefreshOptions, repo: string, folder: string): Promise<z.infer<typeof Tree>> {
  const base = o.endpoint.replace(/\/+$/, "");
  const suffix = folder ? `/${folder.split("/").map(encodeURIComponent).join("/")}` : "";
  const url = `${base}/api/models/${repo}/tree/main${suffix}`;
  const response = await (o.fetchImpl ?? fetch)(url, {
    headers: o.token ? { authorization: `Bearer ${o.token}` } : {},
    signal: AbortSignal.timeout(o.timeoutMs ?? 15_000),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const parsed = Tree.safeParse(await response.json());
  if (!parsed.success) throw new Error(`${url} did not return a file list`);
  return parsed.data;
}

/**
 * Reads each variant's file sizes and LFS sha256 from the hub's tree API
 * (`/api/models/{owner}/{repo}/tree/main[/folder]`). Returns the facts found and what failed.
 */
export async function refreshFromHub(models: readonly LoadedModel[], o: HubRefreshOptions): Promise<{ facts: HubFacts; failures: string[] }> {
  const facts: HubFacts = {};
  const failures: string[] = [];
  const listings = new Map<string, Promise<Map<string, z.infer<typeof TreeEntry>>>>();
  const listing = (repo: string, folder: string) => {
    const key = `${repo}\u0000${folder}`;
    let p = listings.get(key);
    if (!p) {
      p = listFolder(o, repo, folder).then((entries) => new Map(entries.map((e) => [e.path, e])));
      listings.set(key, p);
    }
    return p;
  };
  for (const model of models) {
    for (const variant of model.variants) {
      try {
        const files = [];
        for (const file of variant.files) {
          const folder = file.path.includes("/") ? file.path.slice(0, file.path.lastIndexOf("/")) : "";
          const entry = (await listing(variant.repo, folder)).get(file.path);
          const size = entry?.lfs?.size ?? entry?.size;
          if (!entry || size === undefined) throw new Error(`${variant.repo}: ${file.path} is not on the hub`);
          const sha256 = entry.lfs?.oid && /^[0-9a-f]{64}$/.test(entry.lfs.oid) ? entry.lfs.oid : undefined;
          files.push({ path: file.path, sizeBytes: size, ...(sha256 ? { sha256 } : {}) });
        }
        facts[variant.id] = { files, checkedAt: new Date().toISOString() };
      } catch (error) {
        failures.push(`${variant.id}: ${(error as Error).message}`);
      }
    }
  }
  return { facts, failures };
}
