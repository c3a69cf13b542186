import type { z } from "zod";
import { apiCalls, apiEvents } from "./api.js";
import { appCalls, appEvents } from "./app.js";
import { catalogCalls, catalogEvents } from "./catalog.js";
import { chatCalls, chatEvents } from "./chat.js";
import { collectionsCalls, collectionsEvents } from "./collections.js";
import { conversationsCalls, conversationsEvents } from "./conversations.js";
import { downloadsCalls, downloadsEvents } from "./downloads.js";
import { engineCalls, engineEvents } from "./engine.js";
import { remoteCalls, remoteEvents } from "./remote.js";
import { settingsCalls, settingsEvents } from "./settings.js";
import { updatesCalls, updatesEvents } from "./updates.js";

/**
 * Every call and event of the app, in one place. Each capability keeps its own file;
 * both transports (Electron IPC and WebSocket) are generated from these two maps.
 */
export const calls = {
  ...appCalls,
  ...settingsCalls,
  ...catalogCalls,
  ...downloadsCalls,
  ...engineCalls,
  ...chatCalls,
  ...conversationsCalls,
  ...apiCalls,
  ...remoteCalls,
  ...updatesCalls,
  ...collectionsCalls,
};

export const events = {
  ...appEvents,
  ...settingsEvents,
  ...catalogEvents,
  ...downloadsEvents,
  ...engineEvents,
  ...chatEvents,
  ...conversationsEvents,
  ...apiEvents,
  ...remoteEvents,
  ...updatesEvents,
  ...collectionsEvents,
};

export type Calls = typeof calls;
export type Events = typeof events;
export type CallName = keyof Calls;
export type EventName = keyof Events;
export type CallRequest<K extends CallName> = z.input<Calls[K]["request"]>;
export type CallResponse<K extends CallName> = z.output<Calls[K]["response"]>;
export type EventPayload<K extends EventName> = z.output<Events[K]>;

export const callNames = Object.keys(calls) as CallName[];
export const eventNames = Object.keys(events) as EventName[];

export function isCallName(name: unknown): name is CallName {
  return typeof name === "string" && Object.hasOwn(calls, name);
}
