import { randomUUID } from "node:crypto";
import path from "node:path";
import { z } from "zod";
import { RemoteEndpointInput, RemoteEndpointView } from "../../shared/contract/remote.js";
import { AppError } from "../kernel/errors.js";
import { JsonStateFile } from "../kernel/state-file.js";
import type { RemoteTarget } from "./remote-engine.js";

/** As the renderer sees it, but with the key itself instead of a hint. */
const StoredEndpoint = RemoteEndpointView.omit({ hasKey: true, keyHint: true }).extend({ apiKey: z.string().nullable() });
type StoredEndpoint = z.infer<typeof StoredEndpoint>;

const StoredEndpoints = z.object({ endpoints: z.array(StoredEndpoint), selected: z.string().nullable() });
type StoredEndpoints = z.infer<typeof StoredEndpoints>;

/** What the renderer may see of a key: whether there is one and its last four characters. */
export function keyHint(apiKey: string | null): string | null {
  return apiKey ? `…${apiKey.slice(-4)}` : null;
}

export function viewOf(endpoint: StoredEndpoint): RemoteEndpointView {
  const { apiKey, ...rest } = endpoint;
  return { ...rest, hasKey: apiKey !== null, keyHint: keyHint(apiKey) };
}

/**
 * The remote endpoints and which one answers chat, in `remote-endpoints.json` (mode 600, like the
 * local API's key; kept out of settings.json, so the settings view never carries a key). Keys leave
 * this class only inside a RemoteTarget, for the request's Authorization header.
 */
export class EndpointStore {
  readonly #file: JsonStateFile<StoredEndpoints>;
  #state: StoredEndpoints = { endpoints: [], selected: null };
  readonly notices: string[] = [];

  constructor(dataDir: string) {
    this.#file = new JsonStateFile(path.join(dataDir, "remote-endpoints.json"), StoredEndpoints, { mode: 0o600, indent: 2 });
    const read = this.#file.readSync();
    if (read.damaged)
      this.notices.push(`The remote servers list could not be read (${read.damaged.problem}); it was set aside as ${path.basename(read.damaged.backup)}.`);
    if (read.value) this.#state = read.value;
  }

  list(): RemoteEndpointView[] {
    return this.#state.endpoints.map(viewOf);
  }

  get selectedId(): string | null {
    return this.#state.selected;
  }

  target(id: string): RemoteTarget {
    const endpoint = this.#find(id);
    return { endpointId: endpoint.id, name: endpoint.name, baseUrl: endpoint.baseUrl, model: endpoint.model, family: endpoint.family, apiKey: endpoint.apiKey };
  }

  async save(input: z.output<typeof RemoteEndpointInput>): Promise<RemoteEndpointView> {
    const prior = input.id ? this.#find(input.id) : undefined;
    const apiKey = input.apiKey === undefined ? (prior?.apiKey ?? null) : input.apiKey?.trim() || null;
    const endpoint: StoredEndpoint = {
      id: prior?.id ?? randomUUID().slice(0, 8),
      name: input.name,
      baseUrl: input.baseUrl.replace(/\/+$/, ""),
      model: input.model,
      preset: input.preset,
      family: input.family,
      apiKey,
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
