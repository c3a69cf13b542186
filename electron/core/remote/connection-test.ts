import { fetch, type Agent } from "undici";
import type { RemoteTestResult } from "../../shared/contract/remote.js";
import { AppError } from "../kernel/errors.js";
import type { KeyedAddress } from "./key-origin.js";
import { MAX_REMOTE_ANSWER_BYTES, readBoundedText } from "../kernel/read-limits.js";
import { authHeaders, endpointUrl, type RemoteTimeouts } from "./remote-engine.js";
import { connectionError, httpError, readErrorBody, retryAfterSeconds, seconds, selfLoopError, SELF_HEADER, withUnreadBody } from "./remote-errors.js";
import { htmlPageError, tooMuchFrom } from "./response-reader.js";
import { SilenceWatch } from "./silence-watch.js";
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
  // Headers within the first-byte wait, then the whole list within the stall wait: a server that
  // drips its answer a byte at a time cannot hold the test open.
  const watch = new SilenceWatch(signal);
  watch.expect(timeouts.firstByteMs, `${where} did not answer within ${seconds(timeouts.firstByteMs)}; the test was cancelled.`, "timeout");
  try {
    let response;
    try {
      response = await fetch(endpointUrl(target.baseUrl, "models"), {
        headers,
        dispatcher: agent,
        signal: watch.signal,
      });
    } catch (err) {
      throw watch.failure ?? connectionError(err, where, timeouts);
    }
    watch.expect(timeouts.stallMs, `${where} did not finish its model list within ${seconds(timeouts.stallMs)}; the test was cancelled.`, "stalled");
    if (instanceId && response.headers.get(SELF_HEADER) === instanceId) {
      await response.body?.cancel().catch(() => undefined);
      throw selfLoopError(where);
    }
    if (response.status === 404) {
      await response.body?.cancel().catch(() => undefined);
      throw new AppError("not-found", `${where} has no /models at that address. Is the base URL the one ending in /v1?`);
    }
    if (!response.ok) {
      const said = await readErrorBody(response);
      if (watch.failure) throw watch.failure;
      const error = httpError(response.status, said.text, { where, model: target.model, retryAfter: retryAfterSeconds(response.headers.get("retry-after")) });
      throw said.unread ? withUnreadBody(error, said.unread) : error;
    }
    const page = htmlPageError(response.headers.get("content-type") ?? "", where, "a model list");
    if (page) {
      await response.body?.cancel().catch(() => undefined);
      throw page;
    }
    let text: string;
    try {
      text = await readBoundedText(response.body, MAX_REMOTE_ANSWER_BYTES);
    } catch (err) {
      await response.body?.cancel().catch(() => undefined);
      throw watch.failure ?? tooMuchFrom(err, where) ?? connectionError(err, where, timeouts);
    }
    const latencyMs = performance.now() - started;
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
  } finally {
    watch.stop();
  }
}
