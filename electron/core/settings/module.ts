import type { CoreContext, CoreModule } from "../core-context.js";

/** The settings capability's handlers. */
export async function createSettingsModule(_ctx: CoreContext): Promise<CoreModule> {
  return { handlers: {} };
}
