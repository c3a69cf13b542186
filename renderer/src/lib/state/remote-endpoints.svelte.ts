import type { RemoteEndpointInput, RemoteEndpointView, RemoteTestResult, ServerRecipe } from "$shared/contract/remote.js";
import { api } from "../api/client.js";
import { attempt } from "../attempt.js";
import { EndpointDraft } from "./endpoint-draft.svelte.js";

export type { RemoteEndpointInput, RemoteEndpointView, RemoteTestResult };

export interface RemoteGateway {
  list(): Promise<{ endpoints: RemoteEndpointView[]; selected: string | null }>;
  save(input: RemoteEndpointInput): Promise<RemoteEndpointView>;
  remove(id: string): Promise<void>;
  test(request: { id?: string; baseUrl?: string; apiKey?: string | null; model?: string }): Promise<RemoteTestResult>;
  select(id: string | null): Promise<void>;
  onSelected(listener: (selected: RemoteEndpointView | null) => void): () => void;
}

export const coreRemoteGateway: RemoteGateway = {
  list: () => api.call("remote.list", {}),
  save: (input) => api.call("remote.save", input),
  remove: async (id) => void (await api.call("remote.remove", { id })),
  test: (request) => api.call("remote.test", request),
  select: async (id) => void (await api.call("remote.select", { id })),
  onSelected: (listener) => api.on("remote.selected", (e) => listener(e.selected)),
};

export type TestOutcome = { state: "testing" } | { state: "ok"; result: RemoteTestResult } | { state: "failed"; message: string };

/** The remote servers from Settings, which one answers chat, and each one's last "test connection". */
export class RemoteEndpointsState {
  #endpoints = $state<RemoteEndpointView[]>([]);
  #selectedId = $state<string | null>(null);
  #error = $state<string | undefined>();
  #tests = $state<Record<string, TestOutcome>>({});
  #proposal = $state<EndpointDraft | undefined>();

  constructor(private readonly gateway: RemoteGateway = coreRemoteGateway) {}

  get endpoints(): RemoteEndpointView[] {
    return this.#endpoints;
  }

  get error(): string | undefined {
    return this.#error;
  }

  /** The endpoint chat answers from; undefined: the local engine. */
  get selected(): RemoteEndpointView | undefined {
    return this.#endpoints.find((e) => e.id === this.#selectedId);
  }

  /** A form filled from a server recipe ("Use this server"), waiting for the remote-servers section to open it. */
  get proposal(): EndpointDraft | undefined {
    return this.#proposal;
  }

  propose(recipe: ServerRecipe, modelName: string): void {
    this.#proposal = EndpointDraft.fromRecipe(recipe, modelName);
  }

  /** The section opens the proposed form once. */
  takeProposal(): EndpointDraft | undefined {
    const draft = this.#proposal;
    this.#proposal = undefined;
    return draft;
  }

  testOf(id: string): TestOutcome | undefined {
    return this.#tests[id];
  }

  connect(): void {
    this.gateway.onSelected((selected) => {
      this.#selectedId = selected?.id ?? null;
      if (selected) this.#endpoints = this.#endpoints.map((e) => (e.id === selected.id ? selected : e));
    });
  }

  async load(): Promise<void> {
    await attempt(async () => {
      const { endpoints, selected } = await this.gateway.list();
      this.#endpoints = endpoints;
      this.#selectedId = selected;
    }, this.#showError);
  }

  /** Saves (adds or edits); true when it worked. */
  async save(input: RemoteEndpointInput): Promise<boolean> {
    const saved = await attempt(() => this.gateway.save(input), this.#showError);
    if (saved) await this.load();
    return saved !== undefined;
  }

  async remove(id: string): Promise<void> {
    await attempt(() => this.gateway.remove(id), this.#showError);
    await this.load();
  }

  async select(id: string | null): Promise<void> {
    const done = await attempt(async () => (await this.gateway.select(id), true), this.#showError);
    if (done) this.#selectedId = id;
  }

  /** Lists the server's models; `key` is "test this saved endpoint" (by id) or "test this draft". */
  async test(key: string, request: Parameters<RemoteGateway["test"]>[0]): Promise<void> {
    this.#tests = { ...this.#tests, [key]: { state: "testing" } };
    try {
      this.#tests = { ...this.#tests, [key]: { state: "ok", result: await this.gateway.test(request) } };
    } catch (err) {
      this.#tests = { ...this.#tests, [key]: { state: "failed", message: err instanceof Error ? err.message : String(err) } };
    }
  }

  #showError = (message: string | undefined) => (this.#error = message);
}
