import type { ApiServerStatus, ApiShape, ApiTestResult } from "$shared/contract/api.js";
import { api } from "../api/client.js";
import type { SettingsState } from "./settings.svelte.js";
import { messageOf } from "../attempt.js";

export type { ApiShape, ApiTestResult };

/** What the API section needs from the core; the only place its calls are named. */
export interface ApiServerGateway {
  status(): Promise<ApiServerStatus>;
  rotateKey(): Promise<ApiServerStatus>;
  test(shape: ApiShape): Promise<ApiTestResult>;
}

export const coreApiServerGateway: ApiServerGateway = {
  status: () => api.call("api.status", {}),
  rotateKey: () => api.call("api.rotateKey", {}),
  test: (shape) => api.call("api.test", { shape }),
};

/** The local OpenAI-compatible API: on/off and port live in settings; address and key come from the core. */
export class ApiServerState {
  #status = $state<ApiServerStatus | undefined>();
  #error = $state<string | undefined>();
  #testResult = $state<ApiTestResult | undefined>();
  #testing = $state(false);
  #testedShape = $state<ApiShape>("openai-chat");

  constructor(
    private readonly settings: () => SettingsState,
    private readonly gateway: ApiServerGateway = coreApiServerGateway,
  ) {}

  get status(): ApiServerStatus | undefined {
    return this.#status;
  }

  get error(): string | undefined {
    return this.#error;
  }

  /** The editor panel's last "Test". */
  get testResult(): ApiTestResult | undefined {
    return this.#testResult;
  }

  /** The API shape the last (or running) "Test" used. */
  get testedShape(): ApiShape {
    return this.#testedShape;
  }

  /** Whether a "Test" is running. */
  get testing(): boolean {
    return this.#testing;
  }

  async refresh(): Promise<void> {
    try {
      this.#status = await this.gateway.status();
    } catch (err) {
      this.#error = messageOf(err);
    }
  }

  async setEnabled(enabled: boolean): Promise<void> {
    if (await this.settings().update({ apiServer: { enabled } })) await this.refresh();
  }

  async setPort(port: number): Promise<void> {
    if (await this.settings().update({ apiServer: { port } })) await this.refresh();
  }

  async rotateKey(): Promise<void> {
    this.#status = await this.gateway.rotateKey();
  }

  /** Sends one request of the shape through the API, as its clients would; a refusal becomes a failed result in words. */
  async test(shape: ApiShape = "openai-chat"): Promise<void> {
    this.#testing = true;
    this.#testedShape = shape;
    this.#testResult = undefined;
    try {
      this.#testResult = await this.gateway.test(shape);
    } catch (err) {
      const message = messageOf(err);
      this.#testResult = { ok: false, status: null, model: null, reply: "", reasoning: "", finishReason: null, completionTokens: null, message };
    } finally {
      this.#testing = false;
    }
    // The model may have changed since the panel opened; the settings shown must name the one that answered.
    await this.refresh();
  }
}
