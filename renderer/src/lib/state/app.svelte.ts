import { CatalogState, type CatalogGateway } from "./catalog.svelte.js";
import { ChatSession, type ChatGateway } from "./chat-session.svelte.js";
import { Conversations, type ConversationsGateway } from "./conversations.svelte.js";
import { DownloadsState, type DownloadsGateway } from "./downloads.svelte.js";
import { EngineState, type EngineGateway } from "./engine.svelte.js";
import { ModelActions } from "./model-actions.svelte.js";
import { navigation, type View } from "./navigation.svelte.js";
import { SettingsState, type SettingsGateway } from "./settings.svelte.js";

/** Where each area reaches the core; all default to the real API client. */
export interface Gateways {
  settings: SettingsGateway;
  conversations: ConversationsGateway;
  chat: ChatGateway;
  engine: EngineGateway;
  catalog: CatalogGateway;
  downloads: DownloadsGateway;
}

/** The renderer's state, one small object per contract area, wired together once. */
export class AppState {
  readonly settings: SettingsState;
  readonly conversations: Conversations;
  readonly session: ChatSession;
  readonly engine: EngineState;
  readonly catalog: CatalogState;
  readonly downloads: DownloadsState;
  readonly actions: ModelActions;
  started = $state(false);

  constructor(gateways: Partial<Gateways> = {}) {
    this.settings = new SettingsState(gateways.settings);
    this.conversations = new Conversations(gateways.conversations);
    this.session = new ChatSession(gateways.chat);
    this.engine = new EngineState(gateways.engine);
    this.catalog = new CatalogState(gateways.catalog);
    this.downloads = new DownloadsState(gateways.downloads);
    this.actions = new ModelActions(this.catalog, this.downloads, this.engine);
  }

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
