import { silentLog } from "../../../electron/core/kernel/log-file.js";
import type { CoreContext } from "../../../electron/core/kernel/context.js";
import { JobRegistry } from "../../../electron/core/kernel/jobs.js";
import type { EventName } from "../../../electron/shared/contract/index.js";

/** A core context for testing capability modules on their own; every emitted event is recorded. */
export function moduleContext(
  dataDir: string,
  env: Record<string, string | undefined> = {},
): { ctx: CoreContext; events: Array<{ name: EventName; payload: unknown }> } {
  const events: Array<{ name: EventName; payload: unknown }> = [];
  const ctx: CoreContext = {
    dataDir,
    mode: "serve",
    version: "test",
    env,
    jobs: new JobRegistry(),
    log: silentLog,
    emit: (name, payload) => void events.push({ name, payload }),
  };
  return { ctx, events };
}
