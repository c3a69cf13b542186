import type { CoreContext, CoreModule } from "../core-context.js";

/** The chat capability's handlers. */
export async function createChatModule(_ctx: CoreContext): Promise<CoreModule> {
  return { handlers: {} };
}
