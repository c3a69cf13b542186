import { formatRoute, memoryLocation, parseRoute, windowLocation, type Route, type RouteLocation } from "./route.js";

export type View = "chat" | "models" | "downloads" | "export" | "settings";

/** Each view's name, in the navigation's order: as the navigation's buttons show it. */
export const VIEW_TITLES: Record<View, string> = {
  chat: "Chat",
  models: "Models",
  downloads: "Downloads",
  export: "Training data",
  settings: "Settings",
};

/** Which main view is showing. */
export class Navigation {
  #view = $state<View>("chat");
  /** The conversation the address names (see route.ts); the app selects it after a reload or Back. */
  #conversation = $state<string | undefined>();
  readonly #location: RouteLocation;

  constructor(location: RouteLocation = typeof window === "undefined" ? memoryLocation() : windowLocation()) {
    this.#location = location;
    const route = parseRoute(location.read());
    if (route) ({ view: this.#view, conversation: this.#conversation } = route);
  }

  get view(): View {
    return this.#view;
  }

  show(view: View): void {
    this.#view = view;
    this.#write(true);
  }

  /** The conversation the address names: an id, `NEW_CHAT`, or undefined. */
  get conversation(): string | undefined {
    return this.#conversation;
  }

  /** The chat with this conversation (or a new chat), as a step Back returns from. */
  openChat(conversation: string | undefined): void {
    this.#view = "chat";
    this.#conversation = conversation;
    this.#write(true);
  }

  /** Notes the selected conversation without a step in the history (the app chose it, not the person). */
  note(conversation: string | undefined): void {
    this.#conversation = conversation;
    this.#write(false);
  }

  /** Follows the address when it changes from outside (Back, Forward, an edited hash); `changed` hears the new route. */
  follow(changed: (route: Route) => void): () => void {
    return this.#location.onChange(() => {
      const route = parseRoute(this.#location.read());
      if (!route || (route.view === this.#view && route.conversation === this.#conversation)) return;
      ({ view: this.#view, conversation: this.#conversation } = route);
      changed(route);
    });
  }

  #write(push: boolean): void {
    this.#location.write(formatRoute({ view: this.#view, conversation: this.#conversation }), push);
  }
}

export const navigation = new Navigation();
