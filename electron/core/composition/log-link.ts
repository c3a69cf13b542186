import type { EventSink } from "../kernel/event-bus.js";
import type { CoreLog } from "../kernel/log-file.js";

/**
 * The events worth keeping in the log file, taken as they are emitted (never by subscribing: the
 * bus hands its start-up notices to the first subscriber, which must stay the window). Only texts
 * the app wrote go in: notices (damaged files set aside, failures), crash reports with the engine's
 * last stderr lines and whether it was restarted, failed loads, and how failed answers ended;
 * never a prompt or an answer.
 */
export function loggingEmit(emit: EventSink, log: CoreLog): EventSink {
  return (name, payload) => {
    try {
      describe(log, name, payload);
    } finally {
      emit(name, payload);
    }
  };
}

function describe(log: CoreLog, name: string, payload: unknown): void {
  const p = payload as Record<string, unknown>;
  if (name === "app.notice" && p.level !== "info") log.warn(`Notice: ${String(p.message)}`);
  else if (name === "chat.notice") log.info(`Answer notice: ${String(p.message)}`);
  else if (name === "engine.crashed") log.warn(`Engine crash (${p.restarted ? "restarted" : "not restarted"}): ${String(p.message)}`);
  else if (name === "engine.loadFailed" && !p.cancelled) log.warn(`Load failed: ${String(p.message)}`);
  else if (name === "chat.done" && (p.stopReason === "error" || p.stopReason === "crashed")) {
    const by = p.answeredBy as { kind: string; endpointId?: string } | undefined;
    const who = by?.kind === "remote" ? `remote endpoint ${by.endpointId}` : "the local engine";
    log.warn(`Answer from ${who} ended (${String(p.stopReason)}): ${String(p.message ?? "")}`);
  }
}
