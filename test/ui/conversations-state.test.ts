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
    list.query = "mid";
    expect(list.visible.map((c) => c.title)).toEqual(["Middle"]);
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
});
