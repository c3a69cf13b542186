export type View = "chat" | "models" | "downloads" | "export" | "settings";

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
