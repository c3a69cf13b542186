import { posix } from "node:path";
import type { CatalogService } from "../catalog/module.js";
import type { HubConfig } from "../hub/hub-config.js";
import { AppError } from "../kernel/errors.js";
import type { DownloadPlan } from "./sources.js";

/** A catalog variant as a download plan: every file from the hub, pinned sizes and sha256 where known. */
export function planFromCatalog(catalog: Pick<CatalogService, "variant">, modelId: string, variantId: string, hub: HubConfig): DownloadPlan {
  const found = catalog.variant(variantId);
  if (!found || found.model.id !== modelId) throw new AppError("not-found", `The catalog has no variant "${variantId}" of "${modelId}".`);
  const { model, variant } = found;
  return {
    name: `${model.name} ${variant.quant}`,
    source: `${modelId}/${variantId}`,
    subdir: variant.repo,
    repo: variant.repo,
    quantization: variant.quant,
    modelId,
    variantId,
    files: variant.files.map((f) => ({
      url: `${hub.endpoint}/${variant.repo}/resolve/main/${f.path.split("/").map(encodeURIComponent).join("/")}`,
      fileName: posix.basename(f.path),
      sha256: f.sha256?.toLowerCase(),
      size: variant.approximate ? undefined : f.sizeBytes,
    })),
  };
}
