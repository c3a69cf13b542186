import { AppError } from "./errors.js";

/** What is running (or held) that a request could collide with. */
export type BusyActivity = "loading" | "generating" | "loaded";

/** What a caller asked for while something ran. */
export type BusyAction = "load" | "generate" | "unload" | "switch-backend";

/**
 * Every "busy" refusal the app gives, in one table: the engine process, the core's engine client
 * and service and chat all refuse with these sentences, so a person reads the same words whichever
 * layer noticed first.
 */
const REFUSALS: Record<BusyAction, Partial<Record<BusyActivity, string>>> = {
  load: {
    loading: "A model is already being loaded; wait for it or cancel it first.",
    generating: "A response is being generated; stop it before loading another model.",
  },
  generate: {
    generating: "A response is already being generated. Wait for it to finish or stop it first.",
    loading: "A model is being loaded; wait for it to finish.",
  },
  unload: { generating: "A response is being generated; stop it before unloading the model." },
  "switch-backend": {
    loading: "A model is being loaded; switch the backend after it.",
    loaded: "Unload the model before switching the backend.",
  },
};

/** Throws the "busy" AppError for `action` while `activity` runs; returns when they do not collide. */
export function refuseWhileBusy(action: BusyAction, activity: BusyActivity | null | undefined): void {
  const sentence = activity ? REFUSALS[action][activity] : undefined;
  if (sentence) throw new AppError("busy", sentence);
}
