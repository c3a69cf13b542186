import { fetch, type Agent } from "undici";
import type { RemoteTestResult } from "../../shared/contract/remote.js";
import { AppError } from "../kernel/errors.js";
import type { KeyedAddress } from "./key-origin.js";
import { authHeaders, endpointUrl, type RemoteTimeouts } from "./remote-engine.js";
import { connectionError, httpError, retryAfterSeconds, selfLoopError, SELF_HEADER } from "./remote-errors.js";
import { ModelList } from "./wire-schemas.js";

/** "Test connection": lists the server's /v1/models and how long the round trip took. */
export async function testConnection(
  target: KeyedAddress & { name: string; model: string },
  agent: Agent,
  timeouts: RemoteTimeouts,
  signal?: AbortSignal,
  /** This app's instance id: its own API, given as the address, is named as such. */
  instanceId?: string,
): Promise<RemoteTestResult> {
  const where = `${target.name} (${new URL(target.baseUrl).host})`;
  const headers = authHeaders(target, instanceId);
  const started = performance.now();
  let response;
  try {
    response = await fetch(endpointUrl(target.baseUrl, "models"), { headers, dispatcher: agent, signal });
  } catch (err) {
    throw connectionError(err, where, timeouts);
  }
  if (instanceId && response.headers.get(SELF_HEADER) === instanceId) {
    await response.body?.cancel().catch(() => undefined);
    throw selfLoopError(where);
  }
  const text = await response.text();
  const latencyMs = performance.now() - started;
  if (response.status === 404) throw new AppError("not-found", `${where} has no /models at that address. Is the base URL the one ending in /v1?`);
  if (!response.ok) throw httpError(response.status, text, { where, model: target.model, retryAfter: retryAfterSeconds(response.headers.get("retry-after")) });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = ModelList.safeParse(json);
  if (!parsed.success)
    throw new AppError("failed", `${where} answered /models with something that is not a model list. Is the base URL the one ending in /v1?`);
  const models = parsed.data.data.map((m) => m.id);
  return { latencyMs, models, modelServed: models.includes(target.model) };
}
