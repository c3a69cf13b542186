import type { MachineProfile, VariantFit } from "../../../electron/shared/contract/catalog.js";
import { loadCatalog, type LoadedCatalog } from "../../../electron/core/catalog/load-catalog.js";
import { FitService } from "../../../electron/core/fit/fit-service.js";
import { presetById } from "../../../electron/core/hardware/presets.js";

/** The built-in catalog and a fit service estimating from it. */
export function catalogAndFit(): { catalog: LoadedCatalog; fit: FitService } {
  return { catalog: loadCatalog({}), fit: new FitService() };
}

export function preset(id: string): MachineProfile {
  const p = presetById(id);
  if (!p) throw new Error(`no preset ${id}`);
  return p.machine;
}

export async function fitOne(
  fit: FitService,
  catalog: LoadedCatalog,
  variantId: string,
  contextSize: number | "auto",
  machine: MachineProfile,
): Promise<VariantFit> {
  const [result] = await fit.evaluate(catalog.models, contextSize, machine, [variantId]);
  if (!result) throw new Error(`no variant ${variantId}`);
  return result;
}

export const GiB = 1024 ** 3;
/** The GiB figure a reason prints for this many bytes. */
export const gbFigure = (bytes: number) => (bytes / GiB).toFixed(1);
