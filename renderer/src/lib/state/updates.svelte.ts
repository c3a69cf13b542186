import type { UpdateStatus } from "$shared/contract/updates.js";
import { api } from "../api/client.js";
import { attempt } from "../attempt.js";

export type { UpdateStatus };

export interface UpdatesGateway {
  status(): Promise<UpdateStatus>;
  check(): Promise<UpdateStatus>;
  download(): Promise<UpdateStatus>;
  install(): Promise<{ restarting: boolean }>;
  onChanged(listener: (status: UpdateStatus) => void): () => void;
}

export const coreUpdatesGateway: UpdatesGateway = {
  status: () => api.call("updates.status", {}),
  check: () => api.call("updates.check", {}),
  download: () => api.call("updates.download", {}),
  install: () => api.call("updates.install", {}),
  onChanged: (listener) => api.on("updates.changed", listener),
};

/** The app's update status as the core keeps it; nothing is checked until the person asks. */
export class UpdatesState {
  #status = $state<UpdateStatus | undefined>();
  #error = $state<string | undefined>();
  #stop: (() => void) | undefined;

  constructor(private readonly gateway: UpdatesGateway = coreUpdatesGateway) {}

  get status(): UpdateStatus | undefined {
    return this.#status;
  }

  get error(): string | undefined {
    return this.#error;
  }

  /** Whether a check or download is running, so the buttons wait. */
  get busy(): boolean {
    return this.#status?.state === "checking" || this.#status?.state === "downloading";
  }

  async connect(): Promise<void> {
    this.#stop ??= this.gateway.onChanged((status) => (this.#status = status));
    await this.#run(() => this.gateway.status());
  }

  disconnect(): void {
    this.#stop?.();
    this.#stop = undefined;
  }

  readonly check = () => this.#run(() => this.gateway.check());
  readonly download = () => this.#run(() => this.gateway.download());
  readonly install = () =>
    attempt(
      () => this.gateway.install(),
      (message) => (this.#error = message),
    );

  async #run(work: () => Promise<UpdateStatus>): Promise<void> {
    const status = await attempt(work, (message) => (this.#error = message));
    if (status) this.#status = status;
  }
}
