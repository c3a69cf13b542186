import { randomUUID } from "node:crypto";
import path from "node:path";
import { z } from "zod";
import { RemoteEndpointInput, RemoteEndpointView } from "../../shared/contract/remote.js";
import { AppError } from "../kernel/errors.js";
import { originOf } from "../kernel/loopback.js";
import { JsonStateFile } from "../kernel/state-file.js";
import { keyOverHttpRefusal } from "./key-origin.js";
import type { RemoteTarget } from "./remote-engine.js";

/**
 * As the renderer sees it, but with the key itself instead of a hint, and the origin the key was
 * given for. Lists written before keys had an origin lack it (and the http choice): `withOrigin`.
 */
const StoredEndpoint = RemoteEndpointView.omit({ hasKey: true, keyHint: true, sendKeyOverHttp: true }).extend({
  apiKey: z.string().nullable(),
  keyOrigin: z.string().nullable().optional(),
  sendKeyOverHttp: z.boolean().optional(),
});
type StoredEndpoint = Required<z.infer<typeof StoredEndpoint>>;

const StoredEndpoints = z.object({ endpoints: z.array(StoredEndpoint), selected: z.string().nullable() });
type StoredEndpoints = { endpoints: StoredEndpoint[]; selected: string | null };

/** An older record's key was given for the address it has now: bound to that origin, not lost. */
function withOrigin(endpoint: z.infer<typeof StoredEndpoint>): StoredEndpoint {
  const keyOrigin = endpoint.apiKey ? (endpoint.keyOrigin ?? originOf(endpoint.baseUrl)) : null;
  return { ...endpoint, keyOrigin, sendKeyOverHttp: endpoint.sendKeyOverHttp ?? false };
}

/** What the renderer may see of a key: whether there is one and its last four characters. */
export function keyHint(apiKey: string | null): string | null {
  return apiKey ? `…${apiKey.slice(-4)}` : null;
}

export function viewOf(endpoint: StoredEndpoint): RemoteEndpointView {
  const { apiKey, keyOrigin: _origin, ...rest } = endpoint;
  return { ...rest, hasKey: apiKey !== null, keyHint: keyHint(apiKey) };
}

/**
 * The remote endpoints and which one answers chat, in `remote-endpoints.json` (mode 600, like the
 * local API's key; kept out of settings.json, so the settings view never carries a key). Keys leave
 * this class only inside a RemoteTarget, for the request's Authorization header.
 */
export class EndpointStore {
  readonly #file: JsonStateFile<z.infer<typeof StoredEndpoints>>;
  #state: StoredEndpoints = { endpoints: [], selected: null };
  readonly notices: string[] = [];

  constructor(dataDir: string) {
    this.#file = new JsonStateFile(path.join(dataDir, "remote-endpoints.json"), StoredEndpoints, { mode: 0o600, indent: 2 });
    const read = this.#file.readSync();
    if (read.damaged)
      this.notices.push(`The remote servers list could not be read (${read.damaged.problem}); it was set aside as ${path.basename(read.damaged.backup)}.`);
    if (read.value) {
      this.#state = { ...read.value, endpoints: read.value.endpoints.map(withOrigin) };
      if (read.value.endpoints.some((e) => e.keyOrigin === undefined || e.sendKeyOverHttp === undefined)) this.#file.writeSync(this.#state);
    }
  }

  list(): RemoteEndpointView[] {
    return this.#state.endpoints.map(viewOf);
  }

  get selectedId(): string | null {
    return this.#state.selected;
  }

  target(id: string): RemoteTarget {
    const endpoint = this.#find(id);
    const { id: endpointId, name, baseUrl, model, family, apiKey, keyOrigin, sendKeyOverHttp } = endpoint;
    return { endpointId, name, baseUrl, model, family, apiKey, keyOrigin, sendKeyOverHttp };
  }

  /**
   * A key is kept only while the address keeps the origin it was given for: an address moved
   * elsewhere without the key given again loses it (the form says so), so it never follows the move.
   */
  async save(input: z.output<typeof RemoteEndpointInput>): Promise<RemoteEndpointView> {
    const prior = input.id ? this.#find(input.id) : undefined;
    const baseUrl = input.baseUrl.replace(/\/+$/, "");
    const origin = originOf(baseUrl);
    const kept = prior?.keyOrigin === origin ? prior.apiKey : null;
    const apiKey = input.apiKey === undefined ? kept : input.apiKey?.trim() || null;
    const sendKeyOverHttp = input.sendKeyOverHttp ?? prior?.sendKeyOverHttp ?? false;
    const refusal = apiKey ? keyOverHttpRefusal(baseUrl, sendKeyOverHttp) : null;
    if (refusal) throw new AppError("bad-request", refusal, { reason: "key-over-http" });
    const endpoint: StoredEndpoint = {
      id: prior?.id ?? randomUUID().slice(0, 8),
      name: input.name,
      baseUrl,
      model: input.model,
      preset: input.preset,
      family: input.family,
      apiKey,
      keyOrigin: apiKey ? origin : null,
      sendKeyOverHttp,
    };
    const endpoints = prior ? this.#state.endpoints.map((e) => (e.id === prior.id ? endpoint : e)) : [...this.#state.endpoints, endpoint];
    await this.#write({ ...this.#state, endpoints });
    return viewOf(endpoint);
  }

  async remove(id: string): Promise<boolean> {
    if (!this.#state.endpoints.some((e) => e.id === id)) return false;
    await this.#write({ endpoints: this.#state.endpoints.filter((e) => e.id !== id), selected: this.#state.selected === id ? null : this.#state.selected });
    return true;
  }

  async select(id: string | null): Promise<void> {
    if (id !== null) this.#find(id);
    await this.#write({ ...this.#state, selected: id });
  }

  #find(id: string): StoredEndpoint {
    const endpoint = this.#state.endpoints.find((e) => e.id === id);
    if (!endpoint) throw new AppError("not-found", "That remote server is not in the list (it may have been removed).");
    return endpoint;
  }

  async #write(next: StoredEndpoints): Promise<void> {
    await this.#file.write(next);
    this.#state = next;
  }
}
