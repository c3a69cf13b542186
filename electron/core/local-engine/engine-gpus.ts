import type { GpuInfo } from "../../shared/contract/catalog.js";
import type { EngineStatus } from "../../shared/contract/engine.js";

/**
 * GPUs as the running engine's llama.cpp backend reported them, or null when it has not said (not
 * started, or CPU only). Asking never starts the engine: the hardware probe stays fast and never
 * triggers a build.
 */
export function gpusFromEngineStatus(status: EngineStatus): { backend: string; gpus: GpuInfo[] } | null {
  const backend = status.backend;
  if (!backend || backend.backend === "cpu" || backend.devices.length === 0) return null;
  // llama.cpp reports the backend's VRAM as one sum; each device gets its share.
  const share = (bytes: number) => Math.floor(bytes / backend.devices.length);
  return {
    backend: backend.backend,
    gpus: backend.devices.map((name) => ({
      name,
      vramTotalBytes: share(backend.vram.totalBytes),
      vramFreeBytes: share(backend.vram.freeBytes),
      source: "llama.cpp",
    })),
  };
}
