import type { HubConfig } from "../hub/hub-config.js";
import { lfsSha256, listHubFolder, type TreeEntry } from "../hub/tree-api.js";
import type { CatalogEntry, HubFacts } from "./load-catalog.js";

/**
 * Reads each variant's file sizes and LFS sha256 from the hub's tree API
 * (`/api/models/{owner}/{repo}/tree/main[/folder]`). Returns the facts found and what failed.
 */
export async function refreshFromHub(models: readonly CatalogEntry[], hub: HubConfig): Promise<{ facts: HubFacts; failures: string[] }> {
  const facts: HubFacts = {};
  const failures: string[] = [];
  const listings = new Map<string, Promise<Map<string, TreeEntry>>>();
  const listing = (repo: string, folder: string) => {
    const key = `${repo}\u0000${folder}`;
    let p = listings.get(key);
    if (!p) {
      p = listHubFolder(hub, repo, { folder }).then((entries) => new Map(entries.map((e) => [e.path, e])));
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
          const sha256 = lfsSha256(entry);
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
