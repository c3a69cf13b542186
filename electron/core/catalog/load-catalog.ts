import { describeIssues } from "../kernel/zod-issues.js";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { CatalogDocument, CatalogFile, type CatalogModel } from "./catalog-schema.js";

/** A model of the catalog as the app holds it: the built-in or an extra file's entry, with where it came from. */
export interface CatalogEntry extends CatalogModel {
  /** "builtin" or the extra catalog file's path. */
  source: string;
}

export interface LoadedCatalog {
  models: CatalogEntry[];
  /** Extra catalog files that could not be used, and why (the built-in catalog still loads). */
  problems: string[];
}

/** Sizes and hashes confirmed by the hub, keyed by variant id (stored under the data dir). */
export const HubFacts = z.record(z.string(), z.object({ files: z.array(CatalogFile), checkedAt: z.string() }));
export type HubFacts = z.infer<typeof HubFacts>;

/** resources/catalog/catalog.json, looked for next to the sources, the app bundle and the cwd. */
export function findBuiltinCatalog(): string {
  const candidates: string[] = [];
  // In a CommonJS bundle import.meta.url is empty: then only the other places count.
  const here = typeof import.meta.url === "string" && import.meta.url ? path.dirname(fileURLToPath(import.meta.url)) : undefined;
  for (let dir = here, i = 0; dir && i < 6; i++, dir = path.dirname(dir)) candidates.push(path.join(dir, "resources/catalog/catalog.json"));
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) candidates.push(path.join(resourcesPath, "catalog/catalog.json"), path.join(resourcesPath, "resources/catalog/catalog.json"));
  candidates.push(path.join(process.cwd(), "resources/catalog/catalog.json"));
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`The model catalog is missing (looked in ${candidates.join(", ")}).`);
  return found;
}

function readDocument(file: string): CatalogDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file} is not readable JSON (${(error as Error).message}).`);
  }
  const parsed = CatalogDocument.safeParse(raw);
  if (!parsed.success) throw new Error(`${file} does not match the catalog format: ${describeIssues(parsed.error, "(top)")}.`);
  return parsed.data;
}

/**
 * The built-in catalog plus extra catalog files. A broken extra file is reported and skipped; an
 * extra model may not reuse a built-in id. Hub facts replace approximate sizes.
 */
export function loadCatalog(options: { builtinPath?: string; extraPaths?: string[]; hubFacts?: HubFacts }): LoadedCatalog {
  const builtin = readDocument(options.builtinPath ?? findBuiltinCatalog());
  const models: CatalogEntry[] = builtin.models.map((m) => ({ ...m, source: "builtin" }));
  const problems: string[] = [];
  const modelIds = new Set(models.map((m) => m.id));
  const variantIds = new Set(models.flatMap((m) => m.variants.map((v) => v.id)));
  for (const extraPath of options.extraPaths ?? []) {
    try {
      const extra = readDocument(extraPath);
      for (const m of extra.models) {
        const clash = modelIds.has(m.id) ? m.id : m.variants.find((v) => variantIds.has(v.id))?.id;
        if (clash) {
          problems.push(`${extraPath}: "${clash}" is already in the catalog; the extra entry was skipped.`);
          continue;
        }
        modelIds.add(m.id);
        for (const v of m.variants) variantIds.add(v.id);
        models.push({ ...m, source: extraPath });
      }
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const facts = options.hubFacts ?? {};
  for (const model of models) {
    model.variants = model.variants.map((v) => {
      const confirmed = facts[v.id];
      if (!confirmed || confirmed.files.length !== v.files.length) return v;
      if (!confirmed.files.every((f, i) => f.path === v.files[i]?.path)) return v;
      return { ...v, files: confirmed.files, approximate: false };
    });
  }
  return { models, problems };
}

/** Extra catalog paths from the environment (R1_EXTRA_CATALOG, several joined by the path delimiter). */
export function extraCatalogPathsFromEnv(env: Record<string, string | undefined>): string[] {
  return (env.R1_EXTRA_CATALOG ?? "").split(path.delimiter).filter((p) => p.trim() !== "");
}
