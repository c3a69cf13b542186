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

  get view(): View {
    return this.#view;
  }

  show(view: View): void {
    this.#view = view;
  }
}

export const navigation = new Navigation();
