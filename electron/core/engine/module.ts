import type { CoreContext, CoreModule } from "../core-context.js";

/** The engine capability's handlers. */
export async function createEngineModule(_ctx: CoreContext): Promise<CoreModule> {
  return { handlers: {} };
}
