import type { CapabilityModule, CoreContext } from "../kernel/context.js";
import type { SettingsService } from "../settings/settings-service.js";
import type { Updater } from "./updater.js";
import { UpdatesService } from "./updates-service.js";

export interface UpdatesDeps {
  settings: SettingsService;
  /** Electron main's, in an installed app; absent in serve mode and unpackaged runs. */
  updater?: Updater;
}

/**
 * App updates: off unless asked. With settings.updates.checkOnStart on, one check runs at start
 * and a newer version is announced as a notice; otherwise the network is asked only by
 * updates.check ("Check for updates" in Settings).
 */
export function createUpdatesModule(ctx: CoreContext, deps: UpdatesDeps): CapabilityModule<UpdatesService> {
  const reason =
    ctx.mode === "serve"
      ? "Serve mode does not update itself: update the checkout (git pull, npm install) instead."
      : "This copy of R1 Local was not installed from an installer, so it cannot update itself.";
  const service = new UpdatesService(deps.updater, ctx.version, ctx.emit, reason);
  if (deps.updater && deps.settings.get().updates.checkOnStart) {
    void service.check().then((status) => {
      if (status.state === "available")
        ctx.emit("app.notice", { level: "info", message: `R1 Local ${status.version} is available. Settings → Updates downloads it.` });
    });
  }
  return {
    service,
    handlers: {
      "updates.status": () => service.status,
      "updates.check": () => service.check(),
      "updates.download": () => service.download(),
      "updates.install": () => service.install(),
    },
  };
}
