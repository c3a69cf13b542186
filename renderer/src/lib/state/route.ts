import type { View } from "./navigation.svelte.js";

const VIEWS: readonly View[] = ["chat", "models", "downloads", "export", "settings"];

/** What the address's hash names: the main view and the conversation selected in the sidebar. */
export interface Route {
  view: View;
  /** A conversation's id, `NEW_CHAT` for a new chat not yet asked anything, or undefined: none named. */
  conversation: string | undefined;
}

export const NEW_CHAT = "new";

/** `#/models`, `#/chat/<id>`, `#/chat/new`; undefined for an empty or unknown hash. */
export function parseRoute(hash: string): Route | undefined {
  const [view, conversation] = hash.replace(/^#\/?/, "").split("/");
  if (!VIEWS.includes(view as View)) return undefined;
  return { view: view as View, conversation: conversation ? decodeURIComponent(conversation) : undefined };
}

export function formatRoute(route: Route): string {
  return `#/${route.view}${route.conversation ? `/${encodeURIComponent(route.conversation)}` : ""}`;
}

/** Where the route is kept: the window's address (so a reload keeps it and Back goes back), or a stand-in. */
export interface RouteLocation {
  read(): string;
  /** `push`: a step Back can return from; otherwise the current entry is replaced. */
  write(hash: string, push: boolean): void;
  onChange(listener: () => void): () => void;
}

export function windowLocation(): RouteLocation {
  return {
    read: () => location.hash,
    write: (hash, push) => {
      if (hash === location.hash) return;
      const url = `${location.pathname}${location.search}${hash}`;
      if (push) history.pushState(null, "", url);
      else history.replaceState(null, "", url);
    },
    onChange: (listener) => {
      addEventListener("popstate", listener);
      addEventListener("hashchange", listener);
      return () => {
        removeEventListener("popstate", listener);
        removeEventListener("hashchange", listener);
      };
    },
  };
}

/** Keeps the route in memory only (outside a browser). */
export function memoryLocation(initial = ""): RouteLocation {
  let hash = initial;
  return { read: () => hash, write: (next) => void (hash = next), onChange: () => () => {} };
}
