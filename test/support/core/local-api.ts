import type { AppCore } from "../../../electron/core/composition/app-core.js";
import { ensureFixture, type FixtureName } from "../../fixtures/models.js";
import { freePort } from "../llama-server/llama-server.js";
import { createTempCore } from "./temp-core.js";
import { callOk, waitForEvent } from "./wait-for-event.js";

export interface LocalApi {
  core: AppCore;
  dispose: () => Promise<void>;
  /** The OpenAI base URL, ending in /v1. */
  url: string;
  key: string;
  /** The loaded model's name, as /v1/models lists it. */
  model: string;
}

/** A temporary core with a generated model loaded (2,048 tokens, 1 thread) and its local API on a free loopback port. */
export async function startLocalApi(fixture: FixtureName): Promise<LocalApi> {
  const { core, dispose } = await createTempCore();
  const loaded = waitForEvent(core, "engine.loaded");
  await callOk(core, "engine.load", { path: await ensureFixture(fixture), contextSize: 2048, threads: 1 });
  await loaded;
  await callOk(core, "settings.update", { patch: { apiServer: { enabled: true, port: await freePort() } } });
  const status = await callOk(core, "api.status", {});
  return { core, dispose, url: status.url!, key: status.apiKey, model: status.model!.id };
}
