import type { EventSink } from "./event-bus.js";
import type { PartialHandlers } from "./dispatcher.js";
import type { JobRegistry } from "./jobs.js";
import type { CoreLog } from "./log-file.js";

/** What every capability module is given where the app is composed; collaborators come separately. */
export interface CoreContext {
  readonly dataDir: string;
  readonly mode: "electron" | "serve";
  readonly version: string;
  readonly emit: EventSink;
  readonly jobs: JobRegistry;
  /** The log file in the data folder (`logs/`): failures with stacks, crashes, set-aside files; never a secret or a prompt. */
  readonly log: CoreLog;
  /** Process environment as seen at start (HF_ENDPOINT, HF_TOKEN, …); injectable for tests. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A capability's calls and how it shuts down. */
export interface CoreModule {
  readonly handlers: PartialHandlers;
  close?(): Promise<void>;
}

/** A capability module that also offers a service to the capabilities wired after it. */
export interface CapabilityModule<S> extends CoreModule {
  readonly service: S;
}
