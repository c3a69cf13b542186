export type View = "chat" | "models" | "downloads" | "export" | "settings";

/** Which main view is showing. */
export class Navigation {
  view = $state<View>("chat");
  show(view: View): void {
    this.view = view;
  }
}

export const navigation = new Navigation();
