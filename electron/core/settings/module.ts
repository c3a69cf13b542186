import type { CapabilityModule, CoreContext } from "../kernel/context.js";
import { settingsForClient } from "./client-view.js";
import { SettingsStore, defaultSettings, type SettingsService } from "./settings-service.js";

/** App settings: settings.json in the data dir, repaired on read, replaced atomically on change. */
export function createSettingsModule(ctx: CoreContext): CapabilityModule<SettingsService> {
  const store = new SettingsStore(ctx.dataDir, defaultSettings(ctx.dataDir, ctx.env));
  store.load();
  // Repairs reach the first listener through the event bus's early buffer; settings.get keeps them too.
  if (store.notices.length) ctx.emit("app.notice", { level: "warning", message: `Settings were repaired: ${store.notices.join(" ")}` });
  store.onChange((settings) => ctx.emit("settings.changed", { settings: settingsForClient(settings) }));
  return {
    service: store,
    handlers: {
      "settings.get": () => ({ settings: settingsForClient(store.get()), defaults: settingsForClient(store.defaults), notices: [...store.notices] }),
      "settings.update": async ({ patch }) => ({ settings: settingsForClient(await store.update(patch)) }),
    },
  };
}
