import type { CoreContext, CoreModule } from "../core-context.js";

/** The downloads capability's handlers. */
export async function createDownloadsModule(_ctx: CoreContext): Promise<CoreModule> {
  return { handlers: {} };
}
