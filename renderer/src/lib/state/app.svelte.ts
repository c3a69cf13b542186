import type { EventPayload } from "$shared/contract/index.js";
import { api } from "../api/client.js";
import { CatalogState, type CatalogGateway } from "./catalog.svelte.js";
import { ChatSession, type ChatGateway } from "./chat-session.svelte.js";
import { Conversations, type ConversationsGateway } from "./conversations.svelte.js";
import { DownloadsState, type DownloadsGateway } from "./downloads.svelte.js";
import { EngineState, type EngineGateway } from "./engine.svelte.js";
import { ModelActions } from "./model-actions.svelte.js";
import { navigation, type View } from "./navigation.svelte.js";
import { Notices, type NoticesGateway } from "./notices.svelte.js";
import { RemoteEndpointsState, type RemoteGateway } from "./remote-endpoints.svelte.js";
import { SettingsState, type SettingsGateway } from "./settings.svelte.js";

/** Where each area reaches the core; all default to the real API client. */
export interface Gateways {
  settings: SettingsGateway;
  conversations: ConversationsGateway;
  chat: ChatGateway;
  engine: EngineGateway;
  catalog: CatalogGateway;
  downloads: DownloadsGateway;
  notices: NoticesGateway;
  remote: RemoteGateway;
  commands: CommandsGateway;
}

/** Commands from the native shell, e.g. File → New Chat in the Electron menu. */
export interface CommandsGateway {
  onCommand(listener: (e: EventPayload<"app.command">) => void): () => void;
}

export const coreCommandsGateway: CommandsGateway = {
  onCommand: (listener) => api.on("app.command", listener),
};

/** The renderer's state, one small object per contract area, wired together once. */
export class AppState {
  readonly settings: SettingsState;
  readonly conversations: Conversations;
  readonly session: ChatSession;
  readonly engine: EngineState;
  readonly catalog: CatalogState;
  readonly downloads: DownloadsState;
  readonly actions: ModelActions;
  readonly notices: Notices;
  readonly remote: RemoteEndpointsState;
  readonly #commands: CommandsGateway;
  started = $state(false);

  constructor(gateways: Partial<Gateways> = {}) {
    this.settings = new SettingsState(gateways.settings);
    this.conversations = new Conversations(gateways.conversations);
    this.session = new ChatSession(gateways.chat);
    this.engine = new EngineState(gateways.engine);
    this.catalog = new CatalogState(gateways.catalog);
    this.notices = new Notices(gateways.notices);
    this.remote = new RemoteEndpointsState(gateways.remote);
    this.downloads = new DownloadsState(gateways.downloads, (outcome, item) =>
      outcome === "done"
        ? this.notices.add("success", `Downloaded ${item.name}. It is in your library, ready to load.`)
        : this.notices.add("error", `The download of ${item.name} failed${item.reason ? `: ${item.reason}` : "."} Retry it from Downloads.`),
    );
    this.actions = new ModelActions(this.catalog, this.downloads, this.engine);
    this.#commands = gateways.commands ?? coreCommandsGateway;
  }

  /** No model loaded, none on disk and none coming: the first-run card leads the way. */
  get firstRun(): boolean {
    return this.started && !this.remote.selected && !this.engine.loaded && !this.engine.loadingJobId && this.downloads.library.length === 0;
  }

  /** Why chat cannot answer now; undefined when it can (a remote server answers without a local model). */
  get chatUnavailableReason(): string | undefined {
    return this.remote.selected ? undefined : this.engine.unavailableReason;
  }

  navigate(view: View): void {
    navigation.show(view);
  }

  /** Starts a new chat exactly as the sidebar's "New chat" button does, and shows the chat. */
  async newChat(): Promise<void> {
    navigation.show("chat");
    await this.conversations.create();
  }

  async start(): Promise<void> {
    // Notices first: the core hands notices from its start-up to the first listener.
    this.notices.connect();
    this.#commands.onCommand((e) => {
      if (e.command === "new-chat") void this.newChat();
    });
    for (const area of [this.settings, this.conversations, this.session, this.engine, this.catalog, this.downloads, this.remote]) area.connect();
    this.session.createConversation = async () => (await this.conversations.create())?.id;
    await this.settings.load();
    const settings = this.settings.current;
    if (settings) {
      // "auto" leaves the planner at its own default; each variant shows its room to reason beside it.
      if (settings.contextSize !== "auto") this.catalog.contextSize = settings.contextSize;
      this.session.thinkingBudget = settings.thinkingBudget === "off" ? undefined : settings.thinkingBudget;
    }
    await Promise.all([this.conversations.load(), this.engine.refresh(), this.downloads.load(), this.catalog.load()]);
    // Remote servers are optional: their list never holds up the start.
    void this.remote.load();
    this.started = true;
  }
}

export const app = new AppState();
