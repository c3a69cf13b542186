import type { CoreContext, CoreModule } from "../core-context.js";
import { SettingsStore, defaultSettings, type SettingsService } from "./settings-service.js";

declare module "../services.js" {
  interface CoreServices {
    settings: SettingsService;
  }
}

/** App settings: settings.json in the data dir, repaired on read, replaced atomically on change. */
export async function createSettingsModule(ctx: CoreContext): Promise<CoreModule> {
  const store = new SettingsStore(ctx.dataDir, defaultSettings(ctx.dataDir, ctx.env));
  store.load();
  ctx.services.provide("settings", store);
  // Repairs are told once per start (after start-up, so listeners are attached); settings.get keeps them too.
  if (store.notices.length) setImmediate(() => ctx.emit("app.notice", { level: "warning", message: `Settings were repaired: ${store.notices.join(" ")}` }));
  store.onChange((settings) => ctx.emit("settings.changed", { settings }));
  return {
    handlers: {
      "settings.get": () => ({ settings: store.get(), defaults: store.defaults, notices: [...store.notices] }),
      "settings.update": async ({ patch }) => ({ settings: await store.update(patch) }),
    },
  };
}
