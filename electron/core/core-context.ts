import type { JobRegistry } from "./jobs/job-registry.js";
import type { EventName } from "../shared/contract/index.js";
import type { ServiceRegistry } from "./services.js";
import type { EventSink, PartialHandlers } from "./transport/dispatcher.js";

/** What every capability module is given by the composition root. */
export interface CoreContext {
  dataDir: string;
  mode: "electron" | "serve";
  version: string;
  emit: EventSink;
  /** Watches every event the core emits (for wiring between capabilities); returns unsubscribe. */
  observe: (listener: (name: EventName, payload: unknown) => void) => () => void;
  jobs: JobRegistry;
  /** Process environment as seen at start (HF_ENDPOINT, HF_TOKEN, …); injectable for tests. */
  env: Record<string, string | undefined>;
  /** What modules offer each other; see services.ts. */
  services: ServiceRegistry;
}

export interface CoreModule {
  handlers: PartialHandlers;
  close?: () => Promise<void>;
}
