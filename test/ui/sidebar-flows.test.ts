import { readFile } from "node:fs/promises";
import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { useHarness } from "./support/harness-page.js";

declare const harness: { generating(): boolean };

const ui = useHarness({ viewport: { width: 1280, height: 800 } });
const list = (page: Page) => page.getByRole("list", { name: "Conversations" });
const item = (page: Page, title: string) => list(page).locator("li").filter({ hasText: title });
/** The button that opens a conversation (its Pin, Rename and Delete buttons carry its title too). */
const opener = (page: Page, title: string) => item(page, title).locator("button.title");
const nav = (page: Page, name: string) => page.getByRole("navigation", { name: "Main" }).getByRole("button", { name, exact: true });
const currentView = (page: Page) => page.getByRole("navigation", { name: "Main" }).locator('[aria-current="page"]').textContent();
const selected = async (page: Page) => (await list(page).locator('[aria-current="true"] .text').allTextContents()).map((t) => t.trim());
const sidebar = (page: Page) => page.getByRole("complementary", { name: "Conversations" });
const newChat = (page: Page) => sidebar(page).getByRole("button", { name: "New chat", exact: true });
const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent?.trim());

async function opened(): Promise<Page> {
  const page = await ui.open("daily");
  await expect.poll(() => page.getByTestId("engine-banner").textContent()).toContain("Model:");
  await expect.poll(() => item(page, "Sorting in Rust").count()).toBe(1);
  return page;
}

describe("the sidebar takes you to the conversation", () => {
  test.each(["Models", "Settings", "Downloads"])("picking a conversation or New chat on %s opens the chat with it", async (view) => {
    const page = await opened();
    await nav(page, view).click();
    await opener(page, "Earlier chat").click();
    await expect.poll(() => currentView(page)).toBe("Chat");
    expect(await selected(page)).toEqual(["Earlier chat"]);
    // Picking the conversation that is already selected opens the chat too.
    await nav(page, view).click();
    await opener(page, "Earlier chat").click();
    await expect.poll(() => currentView(page)).toBe("Chat");

    await nav(page, view).click();
    await newChat(page).click();
    await expect.poll(() => currentView(page)).toBe("Chat");
    await expect.poll(() => focused(page)).toBe("Message");
  });

  test("the view and the selected conversation survive a reload, and Back goes to the previous place", async () => {
    const page = await opened();
    await opener(page, "Earlier chat").click();
    await nav(page, "Settings").click();
    await page.reload();
    await page.waitForFunction(() => (globalThis as unknown as { harnessReady?: boolean }).harnessReady === true);
    await expect.poll(() => selected(page)).toEqual(["Earlier chat"]);
    expect(await currentView(page)).toBe("Settings");
    await page.goBack();
    await expect.poll(() => currentView(page)).toBe("Chat");
    await opener(page, "Sorting in Rust").click();
    await page.goBack();
    await expect.poll(() => selected(page)).toEqual(["Earlier chat"]);
    expect(await currentView(page)).toBe("Chat");
  });
});

describe("New chat keeps no empty conversation", () => {
  test("nothing is listed until the first question; New chat again keeps the same chat; leaving it leaves nothing behind", async () => {
    const page = await opened();
    await newChat(page).click();
    await newChat(page).click();
    await expect.poll(() => focused(page)).toBe("Message");
    expect(await list(page).locator("li").count()).toBe(2);
    expect(await selected(page)).toEqual([]);
    await opener(page, "Earlier chat").click();
    expect(await list(page).locator("li").count()).toBe(2);

    await newChat(page).click();
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("What is a slice?");
    await box.press("Enter");
    await expect.poll(() => list(page).locator("li").count()).toBe(3);
    await expect.poll(() => selected(page)).toEqual(["New chat"]);
    await expect.poll(() => page.evaluate(() => harness.generating())).toBe(true);
    await page.keyboard.press("Escape");
  });
});

describe("search looks inside conversations", () => {
  test("a word from an answer finds its conversation, with the words around it; picking the result opens it", async () => {
    const page = await opened();
    await page.getByRole("searchbox", { name: "Search conversations" }).fill("quicksort");
    await expect.poll(() => list(page).locator("li").count()).toBe(1);
    const snippet = item(page, "Earlier chat").getByTestId("search-snippet");
    expect(await snippet.textContent()).toContain("Answer: The answer sorted the vector with quicksort, in place.");
    expect(await snippet.locator("mark").textContent()).toBe("quicksort");
    await nav(page, "Models").click();
    await opener(page, "Earlier chat").click();
    await expect.poll(() => currentView(page)).toBe("Chat");
    await page.getByRole("searchbox", { name: "Search conversations" }).fill("nothing like this");
    await expect.poll(() => list(page).textContent()).toContain("No conversation matches.");
  });
});

describe("export and import", () => {
  test("a conversation's Export saves it as Markdown or JSON", async () => {
    const page = await opened();
    await opener(page, "Earlier chat").click();
    await page.getByRole("button", { name: "Export Earlier chat", exact: true }).click();
    const markdown = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export Earlier chat as Markdown" }).click();
    const md = await markdown;
    expect(md.suggestedFilename()).toBe("c1.md");
    expect(await readFile((await md.path())!, "utf8")).toContain("quicksort");

    await page.getByRole("button", { name: "Export Earlier chat", exact: true }).click();
    const json = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export Earlier chat as JSON" }).click();
    const archive = JSON.parse(await readFile((await (await json).path())!, "utf8")) as { format: string; conversations: { title: string }[] };
    expect(archive).toMatchObject({ format: "r1-local.conversations", conversations: [{ title: "Earlier chat" }] });
  });

  test("importing a JSON export lists and opens it; a broken file says why and changes nothing", async () => {
    const page = await opened();
    await nav(page, "Settings").click();
    const picker = page.getByTestId("import-conversations-input");
    await picker.setInputFiles({ name: "notes.json", mimeType: "application/json", buffer: Buffer.from("this is not json") });
    await expect.poll(() => sidebar(page).getByRole("alert").textContent()).toContain("This file is not a conversation export (it is not JSON).");
    expect(await list(page).locator("li").count()).toBe(2);
    expect(await currentView(page)).toBe("Settings");

    const archive = {
      format: "r1-local.conversations",
      version: 1,
      exportedAt: 1,
      conversations: [{ ...conversationSummary("x1", "Imported notes"), messages: [] }],
    };
    await picker.setInputFiles({ name: "export.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(archive)) });
    await expect.poll(() => selected(page)).toEqual(["Imported notes"]);
    expect(await currentView(page)).toBe("Chat");
    expect(await sidebar(page).getByRole("status").filter({ hasText: "Imported 1 conversation." }).count()).toBe(1);
    expect(await sidebar(page).getByRole("alert").count()).toBe(0);
  });
});

describe("focus and target size", () => {
  test("after Delete focus goes to the next conversation, after the last one to New chat", async () => {
    const page = await opened();
    await opener(page, "Sorting in Rust").click();
    await page.getByRole("button", { name: "Delete Sorting in Rust" }).click();
    await expect.poll(() => focused(page)).toBe("Earlier chat");
    await opener(page, "Earlier chat").click();
    await page.getByRole("button", { name: "Delete Earlier chat" }).click();
    await expect.poll(() => focused(page)).toBe("New chat");
  });

  test("Escape in Rename gives focus back to the item's Rename button", async () => {
    const page = await opened();
    await opener(page, "Sorting in Rust").click();
    await page.getByRole("button", { name: "Rename Sorting in Rust" }).click();
    const name = page.getByRole("textbox", { name: "New name" });
    await expect.poll(() => focused(page)).toBe("New name");
    await name.press("Escape");
    await expect.poll(() => focused(page)).toBe("Rename Sorting in Rust");
    expect(await opener(page, "Sorting in Rust").textContent()).toContain("Sorting in Rust");
  });

  test("Pin, Rename, Export and Delete are at least 24 × 24 px", async () => {
    const page = await opened();
    await opener(page, "Sorting in Rust").click();
    for (const name of ["Pin", "Rename", "Export", "Delete"]) {
      const box = (await page.getByRole("button", { name: `${name} Sorting in Rust`, exact: true }).boundingBox())!;
      expect(box.width, name).toBeGreaterThanOrEqual(24);
      expect(box.height, name).toBeGreaterThanOrEqual(24);
    }
  });
});

function conversationSummary(id: string, title: string) {
  return { id, title, titleSource: "user", model: null, variant: null, settings: {}, pinned: false, createdAt: 5, updatedAt: 5, messageCount: 0 };
}
