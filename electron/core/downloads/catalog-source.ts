import { posix } from "node:path";
import { z } from "zod";
import { UserFacingError } from "../transport/dispatcher.js";
import type { DownloadPlan, HubConfig } from "./sources.js";

// The catalog capability is written beside this one; its service is read defensively and its
// variant parsed here, so a shape change surfaces as a clear error rather than a crash.
const Variant = z.object({
  id: z.string(),
  quant: z.string().optional(),
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
  files: z
    .array(z.object({ path: z.string().min(1), sizeBytes: z.number().optional(), sha256: z.string().regex(/^[0-9a-fA-F]{64}$/).optional() }))
    .min(1),
  approximate: z.boolean().optional(),
});
const Model = z.object({ id: z.string(), name: z.string().optional(), variants: z.array(z.unknown()) });

type Loose = Record<string, unknown>;

/** Finds a catalog variant through the "catalog" service and turns it into a download plan. */
export async function planFromCatalog(catalog: unknown, modelId: string, variantId: string, hub: HubConfig): Promise<DownloadPlan> {
  if (!catalog || typeof catalog !== "object") throw new UserFacingError("The model catalog is not available.", "failed");
  const service = catalog as Loose;
  let model: z.infer<typeof Model> | undefined;
  let variantRaw: unknown;
  for (const name of ["getVariant", "findVariant", "variant"]) {
    const fn = service[name];
    if (typeof fn === "function") {
      const out = (await (fn as (m: string, v: string) => unknown).call(catalog, modelId, variantId)) as Loose | undefined;
      if (out) {
        variantRaw = out.variant ?? out;
        const m = Model.safeParse(out.model);
        if (m.success) model = m.data;
        break;
      }
    }
  }
  if (!variantRaw) {
    for (const name of ["getModel", "model", "findModel"]) {
      const fn = service[name];
      if (typeof fn === "function") {
        const m = Model.safeParse(await (fn as (m: string) => unknown).call(catalog, modelId));
        if (m.success) model = m.data;
        break;
      }
    }
  }
  if (!variantRaw && !model) {
    for (const name of ["models", "list", "all", "get"]) {
      const fn = service[name];
      if (typeof fn !== "function") continue;
      const out = (await (fn as () => unknown).call(catalog)) as unknown;
      const list = Array.isArray(out) ? out : ((out as Loose | undefined)?.models as unknown[] | undefined);
      if (!Array.isArray(list)) continue;
      const found = list.map((x) => Model.safeParse(x)).find((r) => r.success && r.data.id === modelId);
      if (found?.success) model = found.data;
      break;
    }
  }
  if (!variantRaw && model) variantRaw = model.variants.find((v) => (v as Loose | undefined)?.id === variantId);
  if (!variantRaw) throw new UserFacingError(`The catalog has no variant "${variantId}" of "${modelId}".`, "bad-request");
  const variant = Variant.safeParse(variantRaw);
  if (!variant.success) throw new UserFacingError(`The catalog entry ${modelId}/${variantId} has no downloadable files.`, "failed");
  const v = variant.data;
  const first = posix.basename(v.files[0]!.path);
  return {
    name: model?.name ? `${model.name} ${v.quant ?? v.id}` : `${v.repo}/${first}`,
    source: `${modelId}/${variantId}`,
    subdir: v.repo,
    repo: v.repo,
    quantization: v.quant,
    modelId,
    variantId,
    files: v.files.map((f) => ({
      url: `${hub.endpoint}/${v.repo}/resolve/main/${f.path.split("/").map(encodeURIComponent).join("/")}`,
      fileName: posix.basename(f.path),
      sha256: f.sha256?.toLowerCase(),
      size: v.approximate ? undefined : f.sizeBytes,
    })),
  };
}
