import { describe, expect, test } from "vitest";
import { Conversations, type ConversationsGateway, type ConversationSummary } from "../../renderer/src/lib/state/conversations.svelte.js";

/** An in-memory stand-in for the core's conversation store (the state class is under test). */
function memoryStore(initial: Partial<ConversationSummary>[]): ConversationsGateway & { rows: ConversationSummary[] } {
  const row = (c: Partial<ConversationSummary>, i: number): ConversationSummary => ({
    id: `c${i}`,
    title: `Chat ${i}`,
    titleSource: "auto",
    model: null,
    variant: null,
    settings: {},
    pinned: false,
    createdAt: i,
    updatedAt: i,
    messageCount: 0,
    ...c,
  });
  const rows = initial.map(row);
  const deleted: ConversationSummary[] = [];
  const find = (id: string) => rows.find((r) => r.id === id)!;
  return {
    rows,
    list: async () => rows.map((r) => ({ ...r })),
    create: async () => {
      const created = row({ title: "New chat", updatedAt: 1000 }, rows.length + 10);
      rows.push(created);
      return { ...created };
    },
    rename: async (id, title) => void (find(id).title = title),
    setPinned: async (id, pinned) => void (find(id).pinned = pinned),
    remove: async (id) => void deleted.push(...rows.splice(rows.indexOf(find(id)), 1)),
    restore: async (id) => {
      const back = deleted.find((d) => d.id === id)!;
      rows.push(back);
      return { ...back };
    },
    // Titles only: the core's search over messages and files is tested on the real store (test/unit/store-search.test.ts).
    search: async (query) =>
      rows
        .filter((r) => r.title.toLowerCase().includes(query.toLowerCase()))
        .map((r) => ({ conversationId: r.id, title: r.title, messageId: null, field: "title" as const, snippet: r.title, match: { start: 0, length: 1 } })),
    exportConversation: async (id) => ({ fileName: `${id}.md`, mimeType: "text/markdown", content: `# ${find(id).title}` }),
    importArchive: async (file) => {
      const parsed = JSON.parse(await file.text()) as { conversations: ConversationSummary[] };
      const added = parsed.conversations.map((c, i) => row({ ...c, id: `imported${i}` }, rows.length + i));
      rows.push(...added);
      return { imported: added, notices: [] };
    },
    onChanged: () => () => {},
  };
}

describe("conversations state", () => {
  test("pinned first, then newest; search filters by title", async () => {
    const store = memoryStore([
      { title: "Old pinned", pinned: true, updatedAt: 1 },
      { title: "Newest", updatedAt: 9 },
      { title: "Middle", updatedAt: 5 },
    ]);
    const list = new Conversations(store);
    await list.load();
    expect(list.visible.map((c) => c.title)).toEqual(["Old pinned", "Newest", "Middle"]);
    await list.search("mid");
    expect(list.visible.map((c) => c.title)).toEqual(["Middle"]);
    expect(list.hitFor("c2")?.field).toBe("title");
    await list.search("");
    expect(list.visible).toHaveLength(3);
  });

  test("rename and pin go to the store", async () => {
    const store = memoryStore([{ title: "A" }, { title: "B", updatedAt: 2 }]);
    const list = new Conversations(store);
    await list.load();
    await list.rename("c0", "  Renamed  ");
    await list.togglePin("c0");
    expect(store.rows[0]).toMatchObject({ title: "Renamed", pinned: true });
    expect(list.visible[0]!.title).toBe("Renamed");
  });

  test("delete hides at once and Undo brings it back", async () => {
    const store = memoryStore([{ title: "Keep me" }]);
    const list = new Conversations(store);
    await list.load();
    await list.remove("c0");
    expect(list.visible).toEqual([]);
    expect(list.pendingDelete?.title).toBe("Keep me");
    await list.undoDelete();
    expect(list.visible.map((c) => c.title)).toEqual(["Keep me"]);
    expect(list.activeId).toBe("c0");
    expect(store.rows.map((r) => r.title)).toEqual(["Keep me"]);
  });

  test("a failing store shows its message and keeps the list", async () => {
    const store = memoryStore([{ title: "Stays" }]);
    store.rename = async () => {
      throw new Error("The disk is full.");
    };
    const list = new Conversations(store);
    await list.load();
    await list.rename("c0", "New");
    expect(list.error).toBe("The disk is full.");
    expect(list.visible[0]!.title).toBe("Stays");
  });

  test("New chat stores nothing until its first question, and pressing it again keeps the same empty chat", async () => {
    const store = memoryStore([{ title: "Earlier" }]);
    const selections: Array<[string | undefined, boolean]> = [];
    const list = new Conversations(store, (id, picked) => selections.push([id, picked]));
    await list.load();
    list.startDraft();
    list.startDraft();
    expect(list.drafting).toBe(true);
    expect(list.activeId).toBeUndefined();
    expect(store.rows).toHaveLength(1);
    expect(selections).toEqual([
      ["c0", false],
      [undefined, true],
      [undefined, true],
    ]);
    // The first question stores it.
    const created = await list.create();
    expect(list.drafting).toBe(false);
    expect(list.activeId).toBe(created!.id);
    expect(store.rows).toHaveLength(2);
  });

  test("a search's late answer does not replace a newer one", async () => {
    const store = memoryStore([{ title: "Alpha" }, { title: "Beta" }]);
    const slow = store.search;
    store.search = async (query) => {
      if (query === "alpha") await new Promise((resolve) => setTimeout(resolve, 50));
      return slow(query);
    };
    const list = new Conversations(store);
    await list.load();
    const first = list.search("alpha");
    await list.search("beta");
    await first;
    expect(list.visible.map((c) => c.title)).toEqual(["Beta"]);
  });

  test("an import adds the conversations and opens the first; a broken file shows why and changes nothing", async () => {
    const store = memoryStore([{ title: "Here already" }]);
    store.importArchive = async (file) => {
      if (!(await file.text()).startsWith("{")) throw new Error("This file is not a conversation export (it is not JSON).");
      const added = { ...store.rows[0]!, id: "imported", title: "From the file" };
      store.rows.push(added);
      return { imported: [added], notices: [] };
    };
    const selections: Array<[string | undefined, boolean]> = [];
    const list = new Conversations(store, (id, picked) => selections.push([id, picked]));
    await list.load();
    await list.importArchive(new Blob(["not json"]));
    expect(list.error).toBe("This file is not a conversation export (it is not JSON).");
    expect(list.visible.map((c) => c.title)).toEqual(["Here already"]);
    expect(list.activeId).toBe("c0");
    await list.importArchive(new Blob(["{}"]));
    expect(list.error).toBeUndefined();
    expect(list.notice).toBe("Imported 1 conversation.");
    expect(list.visible.map((c) => c.title)).toContain("From the file");
    expect(selections.at(-1)).toEqual(["imported", true]);
  });
});
