import type { CoreContext } from "../../../electron/core/core-context.js";
import { JobRegistry } from "../../../electron/core/jobs/job-registry.js";
import { ServiceRegistry } from "../../../electron/core/services.js";

/** A core context for testing capability modules on their own; every emitted event is recorded. */
export function moduleContext(dataDir: string, env: Record<string, string | undefined> = {}): { ctx: CoreContext; events: Array<{ name: string; payload: unknown }> } {
  const events: Array<{ name: string; payload: unknown }> = [];
  const listeners = new Set<(name: never, payload: unknown) => void>();
  const ctx: CoreContext = {
    dataDir,
    mode: "serve",
    version: "test",
    env,
    jobs: new JobRegistry(),
    services: new ServiceRegistry(),
    emit: (name, payload) => {
      events.push({ name, payload });
      for (const listener of listeners) listener(name as never, payload);
    },
    observe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { ctx, events };
}
