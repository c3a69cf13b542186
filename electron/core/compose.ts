import { createApiModule } from "./api/module.js";
import { createAppModule } from "./app/app-module.js";
import { createCatalogModule } from "./catalog/module.js";
import { createChatModule } from "./chat/module.js";
import { connectChatToStore } from "./chat/store-bridge.js";
import { connectModelUsage } from "./chat/usage-bridge.js";
import type { CoreContext, CoreModule } from "./core-context.js";
import { createDownloadsModule } from "./downloads/module.js";
import { createEngineModule } from "./engine/module.js";
import { createSettingsModule } from "./settings/module.js";
import { createStoreModule } from "./store/module.js";

/**
 * The capability modules, in start order. Each is created from the context alone and owns its
 * calls; the dispatcher refuses to start if a contract call has no handler.
 */
export async function createModules(ctx: CoreContext): Promise<CoreModule[]> {
  const modules: CoreModule[] = [createAppModule(ctx)];
  modules.push(await createSettingsModule(ctx));
  modules.push(await createStoreModule(ctx));
  modules.push(await createCatalogModule(ctx));
  modules.push(await createDownloadsModule(ctx));
  modules.push(await createEngineModule(ctx));
  modules.push(await createChatModule(ctx));
  modules.push(await createApiModule(ctx));
  connectChatToStore(ctx.services.get("chat"), ctx.services.get("conversations"), () => ctx.services.get("engine"));
  const stopUsage = connectModelUsage(ctx);
  modules.push({ handlers: {}, close: async () => stopUsage() });
  return modules;
}
