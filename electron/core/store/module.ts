import path from "node:path";
import type { CapabilityModule, CoreContext } from "../kernel/context.js";
import { exportFileName, fromJsonArchive, toJsonArchive, toMarkdown } from "./archive.js";
import { toTrainingJsonl, traceSources, trainingFileName } from "./training-export.js";
import { ConversationStore, type ConversationsService } from "./conversation-store.js";

/**
 * Conversations: an append-only log in <dataDir>/conversations/ with everything served from memory.
 *
 * Why not SQLite: measured on the same 10,000 conversations / 100,000 messages (2 shared cores),
 * better-sqlite3 12 (WAL + FTS5) opened in ~2 ms and answered a word search in <1 ms, but listed in
 * 46–100 ms (this store: ~20–60 ms, ~0 when unchanged), needed LIKE (~180 ms) for substring search,
 * took 280 MB on disk (this log: 113 MB), and is a native module: prebuilt binaries per platform
 * and Electron ABI (or electron-rebuild with a compiler) for every Electron upgrade. This store
 * needs nothing beyond Node, so tests and Electron run the same code. Its costs: opening reads the
 * whole log (~0.2 s at 1,000 conversations, 1–3 s at 10,000), and the heap holds about the log's
 * size (~1.8× once a search has built its lower-cased text).
 */
export function createStoreModule(ctx: CoreContext): CapabilityModule<ConversationsService> {
  const { store, report } = ConversationStore.open(path.join(ctx.dataDir, "conversations"));
  store.onChange = (conversationId, kind) => ctx.emit("conversations.changed", { conversationId, kind });
  if (report.notices.length) {
    // The event bus keeps these for the first listener; the backup is named in the message.
    for (const message of report.notices) ctx.emit("app.notice", { level: "warning", message });
    ctx.emit("conversations.changed", { conversationId: null, kind: "repaired" });
  }
  return {
    service: store,
    handlers: {
      "conversations.list": ({ offset, limit }) => store.list(offset, limit),
      "conversations.get": ({ id }) => store.get(id),
      "conversations.create": (input) => store.create(input),
      "conversations.rename": ({ id, title }) => store.rename(id, title),
      "conversations.delete": ({ id }) => store.delete(id),
      "conversations.restore": ({ id }) => store.restore(id),
      "conversations.pin": ({ id, pinned }) => store.pin(id, pinned),
      "conversations.search": ({ query, limit }) => store.search(query, limit),
      "conversations.export": ({ ids, format }) => {
        const conversations = store.all(ids);
        const at = Date.now();
        return format === "markdown"
          ? { fileName: exportFileName(conversations, format, at), mimeType: "text/markdown", content: toMarkdown(conversations) }
          : { fileName: exportFileName(conversations, format, at), mimeType: "application/json", content: toJsonArchive(conversations, at) };
      },
      "conversations.exportTraining": (request) => {
        const { content, examples, skipped } = toTrainingJsonl(traceSources(store.all(request.ids), store.replaced(request.ids)), request);
        return { fileName: trainingFileName(request.style, Date.now()), mimeType: "application/jsonl", content, examples, skipped };
      },
      "conversations.import": ({ content }) => {
        const { conversations, notices } = fromJsonArchive(content, { conversation: (id) => store.hasConversation(id), message: (id) => store.hasMessage(id) });
        return { imported: store.insert(conversations), notices };
      },
    },
    close: async () => store.close(),
  };
}
