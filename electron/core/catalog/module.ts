import type { CoreContext, CoreModule } from "../core-context.js";

/** The catalog capability's handlers. */
export async function createCatalogModule(_ctx: CoreContext): Promise<CoreModule> {
  return { handlers: {} };
}
