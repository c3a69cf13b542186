import type { EventPayload } from "$shared/contract/index.js";
import { api } from "../api/client.js";
import { appStatus, type AppStatus } from "./app-status.svelte.js";
import { CatalogState, type CatalogGateway } from "./catalog.svelte.js";
import { ChatSession, type ChatGateway } from "./chat-session.svelte.js";
import { Conversations, type ConversationsGateway } from "./conversations.svelte.js";
import { DownloadsState, type DownloadProgress, type DownloadsGateway } from "./downloads.svelte.js";
import { EngineState, type EngineGateway, type LoadedModel } from "./engine.svelte.js";
import { layout, type Layout } from "./layout.svelte.js";
import { ModelActions } from "./model-actions.svelte.js";
import { navigation, type Navigation, type View } from "./navigation.svelte.js";
import { Notices, type NoticesGateway } from "./notices.svelte.js";
import { LogFolder, type LogFolderGateway } from "./log-folder.svelte.js";
import { focusWhenShown, MESSAGE_BOX } from "../focus.js";
import { NEW_CHAT, type Route } from "./route.js";
import { RemoteEndpointsState, type RemoteGateway } from "./remote-endpoints.svelte.js";
import type { ServerRecipe } from "$shared/contract/remote.js";
import { SettingsState, type Settings, type SettingsGateway } from "./settings.svelte.js";

/** Where each area reaches the core; all default to the real API client. */
export interface Gateways {
  settings: SettingsGateway;
  conversations: ConversationsGateway;
  chat: ChatGateway;
  engine: EngineGateway;
  catalog: CatalogGateway;
  downloads: DownloadsGateway;
  notices: NoticesGateway;
  logFolder: LogFolderGateway;
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

/** The page around the areas: the window's layout, the main view, and the status line's data. */
export interface Shell {
  layout: Layout;
  navigation: Navigation;
  status: AppStatus;
}

/**
 * The renderer's state, one small object per contract area, built and linked to each other here
 * and nowhere else (as the core's composition does): a component only renders and calls methods.
 */
export class AppState {
  readonly settings: SettingsState;
  readonly conversations: Conversations;
  readonly session: ChatSession;
  readonly engine: EngineState;
  readonly catalog: CatalogState;
  readonly downloads: DownloadsState;
  readonly actions: ModelActions;
  readonly notices: Notices;
  readonly logFolder: LogFolder;
  readonly remote: RemoteEndpointsState;
  readonly layout: Layout;
  readonly navigation: Navigation;
  readonly status: AppStatus;
  readonly #commands: CommandsGateway;
  /** True once the first load is done. */
  #started = $state(false);

  constructor(gateways: Partial<Gateways> = {}, shell: Shell = { layout, navigation, status: appStatus }) {
    this.layout = shell.layout;
    this.navigation = shell.navigation;
    this.status = shell.status;
    this.#commands = gateways.commands ?? coreCommandsGateway;
    this.settings = new SettingsState(gateways.settings, (settings) => this.#settingsAccepted(settings));
    this.conversations = new Conversations(gateways.conversations, (id, picked) => this.#conversationSelected(id, picked));
    this.session = new ChatSession(gateways.chat, undefined, () => this.#startConversation());
    this.engine = new EngineState(gateways.engine, {
      nameOf: (model) => this.actions.nameOf(model),
      loaded: (model) => this.#modelLoaded(model),
      loadFailed: () => this.actions.loadEnded(),
    });
    this.catalog = new CatalogState(gateways.catalog);
    this.notices = new Notices(gateways.notices);
    this.logFolder = new LogFolder(gateways.logFolder);
    this.remote = new RemoteEndpointsState(gateways.remote);
    this.downloads = new DownloadsState(gateways.downloads, {
      outcome: (outcome, item) => this.#downloadEnded(outcome, item),
      libraryChanged: () => this.actions.libraryChanged(),
    });
    this.actions = new ModelActions(this.catalog, this.downloads, this.engine);
  }

  // The links between areas, one method each.

  /**
   * The open conversation follows the sidebar's selection, and the address keeps it (a reload or
   * Back returns to it); one the person picked shows the chat, from whatever view was showing. In a
   * narrow window choosing one closes the sidebar over the page.
   */
  #conversationSelected(id: string | undefined, picked: boolean): void {
    this.layout.closeSidebar();
    const named = id ?? (this.conversations.drafting ? NEW_CHAT : undefined);
    if (picked) this.navigation.openChat(named);
    else this.navigation.note(named);
    if (id !== this.session.conversationId) void this.session.open(id);
  }

  /** Back, Forward or an edited address: the sidebar selects the conversation it names. */
  #routeFollowed(route: Route): void {
    if (route.conversation === NEW_CHAT) this.conversations.startDraft(false);
    else if (route.conversation && this.conversations.items.some((c) => c.id === route.conversation)) this.conversations.select(route.conversation, false);
  }

  /** The default thinking budget follows Settings; the control next to the composer overrides it per question. */
  #settingsAccepted(settings: Settings): void {
    this.session.setThinkingBudget(settings.thinkingBudget === "off" ? undefined : settings.thinkingBudget);
    // The Models page weighs the context a load will use.
    this.catalog.followSettings(settings.contextSize, settings.parallelRequests);
  }

  /** A question asked with no conversation open starts one, as "New chat" does. */
  async #startConversation(): Promise<string | undefined> {
    return (await this.conversations.create())?.id;
  }

  /** How a download ended, as a toast. (A variant downloaded "to load" loads on `libraryChanged`.) */
  #downloadEnded(outcome: "done" | "failed", item: DownloadProgress): void {
    if (outcome === "done" && this.actions.loadsAfterDownload(item.variantId)) this.notices.add("info", `Downloaded ${item.name}. Loading it now…`);
    else if (outcome === "done") this.notices.add("success", `Downloaded ${item.name}. It is in your library, ready to load.`);
    else this.notices.add("error", `The download of ${item.name} failed${item.reason ? `: ${item.reason}` : "."} Retry it from Downloads.`);
  }

  /** A model loaded because its download finished: that toast said "loading", this one says it is done. */
  #modelLoaded(model: LoadedModel): void {
    if (this.actions.loadsAfterDownload(this.actions.variantOf(model))) this.notices.add("success", `${this.actions.nameOf(model)} is loaded. Ask away.`);
    this.actions.loadEnded();
  }

  /** No model loaded, none on disk and none coming: the first-run card leads the way. */
  get firstRun(): boolean {
    return this.#started && !this.remote.selected && !this.engine.loaded && !this.engine.loadingJobId && this.downloads.library.length === 0;
  }

  /** Why chat cannot answer now; undefined when it can (a remote server answers without a local model). */
  get chatUnavailableReason(): string | undefined {
    return this.remote.selected ? undefined : this.engine.unavailableReason;
  }

  navigate(view: View): void {
    this.navigation.show(view);
  }

  /** "Use this server" on a server recipe: Settings opens with the endpoint form filled in from it, its key included. */
  useServerRecipe(recipe: ServerRecipe, modelName: string): void {
    this.remote.propose(recipe, modelName);
    this.navigation.show("settings");
  }

  /**
   * New chat, from the sidebar's button, the shortcut or the native menu: shows an empty chat with
   * the message box focused. Nothing is stored until the first question, and pressing it again
   * while the chat is empty keeps that one.
   */
  async newChat(): Promise<void> {
    this.conversations.startDraft();
    await focusWhenShown(MESSAGE_BOX);
  }

  /** Called once the page shows: starts the status line and the app; returns the stop for the window watching. */
  mount(): () => void {
    void this.status.load();
    void this.start();
    return this.layout.watch();
  }

  async start(): Promise<void> {
    // Notices first: the core hands notices from its start-up to the first listener.
    this.notices.connect();
    this.#commands.onCommand((e) => {
      if (e.command === "new-chat") void this.newChat();
    });
    this.navigation.follow((route) => this.#routeFollowed(route));
    // A reload keeps the selection the address names.
    this.conversations.resume(this.navigation.conversation);
    for (const area of [this.settings, this.conversations, this.session, this.engine, this.catalog, this.downloads, this.remote]) area.connect();
    // Loading the settings also sets the thinking budget (#settingsAccepted).
    await this.settings.load();
    await Promise.all([this.conversations.load(), this.engine.refresh(), this.downloads.load(), this.catalog.load()]);
    // Remote servers are optional: their list never holds up the start.
    void this.remote.load();
    this.#started = true;
  }
}

export const app = new AppState();
