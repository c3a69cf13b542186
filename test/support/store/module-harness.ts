import type { CoreContext, CoreModule } from "../../../electron/core/kernel/context.js";
import { Dispatcher, type Handlers } from "../../../electron/core/kernel/dispatcher.js";
import { moduleContext } from "../core/module-context.js";

/**
 * One capability module on the real dispatcher (contract validation included), without the rest
 * of the app. The module itself is returned too, for its service.
 */
export async function startModule<M extends CoreModule>(
  dataDir: string,
  factory: (ctx: CoreContext) => M | Promise<M>,
  env: Record<string, string | undefined> = {},
) {
  const { ctx, events } = moduleContext(dataDir, env);
  const module = await factory(ctx);
  const dispatcher = new Dispatcher(module.handlers as Handlers);
  return {
    ctx,
    events,
    module,
    /** Dispatches and unwraps: resolves with the value, rejects with the call's error message. */
    async call(name: string, payload: unknown = {}): Promise<unknown> {
      const outcome = await dispatcher.dispatch(name, payload);
      if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
      return outcome.value;
    },
    close: () => module.close?.() ?? Promise.resolve(),
  };
}
