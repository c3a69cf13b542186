import { createAppModule } from "./app/app-module.js";
import type { CoreContext, CoreModule } from "./core-context.js";

/**
 * The capability modules, in start order (later ones may use earlier ones). Each capability adds
 * its one line here; the dispatcher refuses to start if a contract call has no handler.
 */
export async function createModules(ctx: CoreContext): Promise<CoreModule[]> {
  const app = createAppModule(ctx);
  return [app];
}
