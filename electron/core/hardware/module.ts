import type { GpuInfo, HardwareInfo } from "../../shared/contract/catalog.js";
import path from "node:path";
import type { CapabilityModule, CoreContext } from "../kernel/context.js";
import { measureRamBandwidth } from "./bandwidth.js";
import { KeptBandwidth } from "./kept-bandwidth.js";
import { probeHardware } from "./probe.js";

export interface HardwareService {
  probe(options?: { measureBandwidth?: boolean; fresh?: boolean }): Promise<HardwareInfo>;
}

export interface HardwareDeps {
  /** The folder whose disk space counts (the models folder). */
  modelsDir: () => string;
  /** GPUs as a running engine's llama.cpp backend reports them; null when it cannot say. */
  engineGpus: () => Promise<{ backend: string; gpus: GpuInfo[] } | null>;
  /** The copy test; a stand-in in tests. */
  measureRamBandwidth?: () => Promise<number>;
}

/** A probe younger than this is still the truth for a slider that moves. */
const PROBE_FRESH_MS = 5000;

/** The hardware probe: RAM, CPU, disk and GPUs, kept for a few seconds between asks. */
export function createHardwareModule(ctx: Pick<CoreContext, "dataDir">, deps: HardwareDeps): CapabilityModule<HardwareService> {
  // Measured once per machine and kept, so estimates and the recommendation are the same every launch.
  const bandwidth = new KeptBandwidth(path.join(ctx.dataDir, "hardware", "ram-bandwidth.json"), deps.measureRamBandwidth ?? measureRamBandwidth);
  let last: { at: number; withBandwidth: boolean; info: Promise<HardwareInfo> } | undefined;
  const probe: HardwareService["probe"] = (options = {}) => {
    const usable = last && performance.now() - last.at < PROBE_FRESH_MS && (last.withBandwidth || !options.measureBandwidth);
    if (!options.fresh && usable) return last!.info;
    const info = probeHardware({
      modelsDir: deps.modelsDir(),
      engineGpus: deps.engineGpus,
      measureBandwidth: options.measureBandwidth,
      ramBandwidth: (machine) => bandwidth.forMachine(machine),
    });
    const entry = { at: performance.now(), withBandwidth: !!options.measureBandwidth, info };
    last = entry;
    info.catch(() => {
      if (last === entry) last = undefined;
    });
    return info;
  };
  return {
    service: { probe },
    handlers: { "hardware.probe": (request) => probe(request) },
  };
}
