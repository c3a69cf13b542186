import type { AppCore } from "../../../electron/core/composition/app-core.js";
import type { CallName, CallRequest, CallResponse, EventName, EventPayload } from "../../../electron/shared/contract/index.js";

/** Resolves with the first `name` event whose payload matches, or rejects after `timeoutMs`. */
export function waitForEvent<K extends EventName>(
  core: AppCore,
  name: K,
  match: (payload: EventPayload<K>) => boolean = () => true,
  timeoutMs = 120_000,
): Promise<EventPayload<K>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`No ${name} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = core.subscribe((eventName, payload) => {
      if (eventName !== name || !match(payload as EventPayload<K>)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(payload as EventPayload<K>);
    });
  });
}

/** Calls the core and returns the value, throwing the core's message if the call failed. */
export async function callOk<K extends CallName>(core: AppCore, name: K, payload: CallRequest<K>): Promise<CallResponse<K>> {
  const outcome = await core.dispatch(name, payload);
  if (!outcome.ok) throw new Error(`${name}: ${outcome.error.message}`);
  return outcome.value as CallResponse<K>;
}
