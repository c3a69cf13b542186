import type { CoreContext, CoreModule } from "../core-context.js";

/** The store capability's handlers. */
export async function createStoreModule(_ctx: CoreContext): Promise<CoreModule> {
  return { handlers: {} };
}
