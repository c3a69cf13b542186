import { CatalogState } from "./catalog.svelte.js";
import { ChatSession } from "./chat-session.svelte.js";
import { Conversations } from "./conversations.svelte.js";
import { DownloadsState } from "./downloads.svelte.js";
import { EngineState } from "./engine.svelte.js";
import { ModelActions } from "./model-actions.svelte.js";
import { navigation, type View } from "./navigation.svelte.js";
import { SettingsState } from "./settings.svelte.js";

/** The renderer's state, one small object per contract area, wired together once. */
export class AppState {
  readonly settings = new SettingsState();
  readonly conversations = new Conversations();
  readonly session = new ChatSession();
  readonly engine = new EngineState();
  readonly catalog = new CatalogState();
  readonly downloads = new DownloadsState();
  readonly actions = new ModelActions(this.catalog, this.downloads, this.engine);
  started = $state(false);

  /** No model loaded, none on disk and none coming: the first-run card leads the way. */
  get firstRun(): boolean {
    return this.started && !this.engine.loaded && !this.engine.loadingJobId && this.downloads.library.length === 0;
  }

  navigate(view: View): void {
    navigation.show(view);
  }

  async start(): Promise<void> {
    for (const area of [this.settings, this.conversations, this.session, this.engine, this.catalog, this.downloads]) area.connect();
    this.session.createConversation = async () => (await this.conversations.create())?.id;
    await this.settings.load();
    const settings = this.settings.current;
    if (settings) {
      this.catalog.contextSize = settings.contextSize;
      this.session.thinkingBudget = settings.thinkingBudget === "off" ? undefined : settings.thinkingBudget;
    }
    await Promise.all([this.conversations.load(), this.engine.refresh(), this.downloads.load(), this.catalog.load()]);
    this.started = true;
  }
}

export const app = new AppState();
