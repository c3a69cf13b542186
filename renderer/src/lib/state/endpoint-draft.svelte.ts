import type { ModelFamily } from "$shared/contract/engine.js";
import { REMOTE_PRESETS, type RemoteEndpointInput, type RemoteEndpointView, type RemotePreset, type ServerRecipe } from "$shared/contract/remote.js";

/**
 * The add/edit form of one remote endpoint. The key field starts empty: blank keeps the saved key.
 * The form's inputs bind to the fields, so those have setters; the preset changes through
 * `applyPreset`, as it fills in the others.
 */
export class EndpointDraft {
  #id: string | undefined;
  #name = $state("");
  #baseUrl = $state("");
  #model = $state("");
  #preset = $state<RemotePreset>("vllm");
  #family = $state<ModelFamily>("r1-distill");
  #apiKey = $state("");
  #removeKey = $state(false);
  #sendKeyOverHttp = $state(false);
  readonly hadKey: boolean;
  /** The saved address: the saved key belongs to its origin. */
  readonly #savedBaseUrl: string | undefined;

  constructor(existing?: RemoteEndpointView) {
    this.#id = existing?.id;
    this.hadKey = existing?.hasKey ?? false;
    this.#savedBaseUrl = existing?.baseUrl;
    this.#sendKeyOverHttp = existing?.sendKeyOverHttp ?? false;
    if (existing) {
      this.#name = existing.name;
      this.#baseUrl = existing.baseUrl;
      this.#model = existing.model;
      this.#preset = existing.preset;
      this.#family = existing.family;
    } else this.applyPreset("vllm");
  }

  /**
   * A new endpoint for a server started from a recipe: its preset's address (the SSH tunnel's end on
   * this computer), the model it serves and the key the recipe started it with.
   */
  static fromRecipe(recipe: ServerRecipe, modelName: string): EndpointDraft {
    const draft = new EndpointDraft();
    draft.applyPreset(recipe.preset);
    draft.#name = `${modelName} on ${REMOTE_PRESETS[recipe.preset].label}`.slice(0, 100);
    draft.#model = recipe.model;
    draft.#apiKey = recipe.apiKey ?? "";
    return draft;
  }

  get name(): string {
    return this.#name;
  }

  set name(value: string) {
    this.#name = value;
  }

  get baseUrl(): string {
    return this.#baseUrl;
  }

  set baseUrl(value: string) {
    this.#baseUrl = value;
  }

  get model(): string {
    return this.#model;
  }

  set model(value: string) {
    this.#model = value;
  }

  get preset(): RemotePreset {
    return this.#preset;
  }

  get family(): ModelFamily {
    return this.#family;
  }

  set family(value: ModelFamily) {
    this.#family = value;
  }

  get apiKey(): string {
    return this.#apiKey;
  }

  set apiKey(value: string) {
    this.#apiKey = value;
  }

  get removeKey(): boolean {
    return this.#removeKey;
  }

  set removeKey(value: boolean) {
    this.#removeKey = value;
  }

  get sendKeyOverHttp(): boolean {
    return this.#sendKeyOverHttp;
  }

  set sendKeyOverHttp(value: boolean) {
    this.#sendKeyOverHttp = value;
  }

  /**
   * The saved key stays with the origin it was given for: an address moved to another one drops it
   * unless a key is typed again (the core does the same; the form says so before saving).
   */
  get keyDropped(): boolean {
    if (!this.hadKey || this.#removeKey || this.#apiKey.trim() || this.#savedBaseUrl === undefined) return false;
    return originOf(this.#baseUrl) !== originOf(this.#savedBaseUrl);
  }

  /** Plain http to a host other than this machine: a key goes only if the person ticks "Send the key over http". */
  get keyInClearText(): boolean {
    const url = parsed(this.#baseUrl);
    return url?.protocol === "http:" && !/^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i.test(url.hostname);
  }

  get editing(): boolean {
    return this.#id !== undefined;
  }

  /** How the server must be started so reasoning comes back separately. */
  get reasoningFlag(): string {
    return REMOTE_PRESETS[this.#preset].reasoningFlag;
  }

  /** Fills in the preset's address, model and family. */
  applyPreset(preset: RemotePreset): void {
    const info = REMOTE_PRESETS[preset];
    this.#preset = preset;
    this.#baseUrl = info.baseUrl;
    this.#model = info.model;
    this.#family = info.family;
    if (!this.editing) this.#name = info.label;
  }

  /** What to save: the key only when typed (or removed on purpose). */
  toInput(): RemoteEndpointInput {
    const apiKey = this.#removeKey ? null : this.#apiKey.trim() ? this.#apiKey.trim() : undefined;
    return {
      ...(this.#id && { id: this.#id }),
      name: this.#name,
      baseUrl: this.#baseUrl,
      model: this.#model,
      preset: this.#preset,
      family: this.#family,
      ...(apiKey !== undefined && { apiKey }),
      ...(this.keyInClearText && { sendKeyOverHttp: this.#sendKeyOverHttp }),
    };
  }

  /** For "test connection" before saving: the typed key, or the saved one (by id) when left blank. */
  toTest(): { id?: string; baseUrl: string; apiKey?: string | null; model: string; sendKeyOverHttp?: boolean } {
    const typed = this.#apiKey.trim();
    return {
      ...(this.#id && { id: this.#id }),
      baseUrl: this.#baseUrl,
      model: this.#model,
      ...(typed ? { apiKey: typed } : this.#id ? {} : { apiKey: null }),
      ...(this.keyInClearText && { sendKeyOverHttp: this.#sendKeyOverHttp }),
    };
  }
}

function parsed(address: string): URL | undefined {
  try {
    return new URL(address);
  } catch {
    return undefined;
  }
}

/** scheme://host:port, or the text itself while it is no address yet. */
function originOf(address: string): string {
  return parsed(address)?.origin ?? address;
}
