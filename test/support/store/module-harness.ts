import type { CoreContext, CoreModule } from "../../../electron/core/core-context.js";
import { Dispatcher, type Handlers } from "../../../electron/core/transport/dispatcher.js";
import { moduleContext } from "../core/module-context.js";

/**
 * One capability module on the real dispatcher (contract validation included), without the rest
 * of the app: other helpers' modules may be mid-change while these tests run.
 */
export async function startModules(dataDir: string, factories: Array<(ctx: CoreContext) => Promise<CoreModule>>, env: Record<string, string | undefined> = {}) {
  const { ctx, events } = moduleContext(dataDir, env);
  const modules: CoreModule[] = [];
  for (const factory of factories) modules.push(await factory(ctx));
  const dispatcher = new Dispatcher(Object.assign({}, ...modules.map((m) => m.handlers)) as Handlers);
  return {
    ctx,
    events,
    /** Dispatches and unwraps: resolves with the value, rejects with the call's error message. */
    async call(name: string, payload: unknown = {}): Promise<unknown> {
      const outcome = await dispatcher.dispatch(name, payload);
      if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
      return outcome.value;
    },
    async close() {
      for (const m of [...modules].reverse()) await m.close?.();
    },
  };
}
