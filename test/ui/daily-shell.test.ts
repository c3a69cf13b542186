import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { contrast, textOnBackground } from "./support/contrast.js";
import { useHarness } from "./support/harness-page.js";

declare const harness: {
  sends(): { conversationId: string; prompt: string; rewindFrom?: string }[];
  cancels(): string[];
  generating(): boolean;
  download(state: string, reason?: string): void;
};

const ui = useHarness({ viewport: { width: 1280, height: 800 } });
const mod = process.platform === "darwin" ? "Meta" : "Control";
const toasts = (page: Page) => page.getByRole("region", { name: "Notices" });
const item = (page: Page, title: string) => page.getByRole("list", { name: "Conversations" }).locator("li").filter({ hasText: title });
/** The button that opens a conversation (its Pin, Rename and Delete buttons carry its title too). */
const opener = (page: Page, title: string) => item(page, title).locator("button.title");
const lastAnswer = (page: Page) => page.getByTestId("assistant-message").last();

async function opened(): Promise<Page> {
  const page = await ui.open("daily");
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect.poll(() => page.getByTestId("engine-banner").textContent()).toContain("Model:");
  await expect.poll(() => item(page, "Sorting in Rust").count()).toBe(1);
  return page;
}

async function ask(page: Page, text: string): Promise<void> {
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill(text);
  await box.press("Enter");
  await expect.poll(() => page.evaluate(() => harness.generating())).toBe(true);
}

describe("toasts", () => {
  test("a finished download shows a toast in the corner once; a failed one an error toast with the reason", async () => {
    const page = await opened();
    await page.evaluate(() => harness.download("downloading"));
    await page.evaluate(() => harness.download("done"));
    await page.evaluate(() => harness.download("done"));
    const done = toasts(page).getByRole("status").getByTestId("notice").filter({ hasText: "Downloaded R1 Distill Qwen 7B Q4_K_M" });
    await expect.poll(() => done.count()).toBe(1);
    expect(await done.getAttribute("data-level")).toBe("success");
    // A toast floats in the top-right corner instead of pushing the page down, clear of the
    // composer's Send / Stop button (bottom right), which it must never cover.
    const box = (await done.boundingBox())!;
    expect(box.x + box.width).toBeGreaterThan(1280 - 40);
    expect(box.y + box.height).toBeLessThan(800 / 2);
    const send = (await page
      .getByRole("button", { name: /^(Send|Stop)$/ })
      .first()
      .boundingBox())!;
    expect(send.y).toBeGreaterThan(box.y + box.height);
    await page.evaluate(() => harness.download("failed", "The file's checksum did not match (size-mismatch)."));
    const failed = toasts(page).getByRole("alert").getByTestId("notice");
    await expect.poll(() => failed.textContent()).toContain("The download of R1 Distill Qwen 7B Q4_K_M failed: The file's checksum did not match");
    await failed.getByRole("button", { name: "Dismiss" }).click();
    await expect.poll(() => failed.count()).toBe(0);
  });

  test.each(["light", "dark"])("the success toast passes WCAG AA contrast in the %s theme", async (theme) => {
    const page = await ui.open("daily", { theme });
    await page.evaluate(() => harness.download("done"));
    const toast = toasts(page).getByTestId("notice").locator("p");
    await expect.poll(() => toast.count()).toBe(1);
    const pair = await toast.evaluate(textOnBackground);
    expect(contrast(pair.fg, pair.bg)).toBeGreaterThanOrEqual(4.5);
  });
});

describe("generating marker and Escape", () => {
  test("the conversation being answered is marked in the sidebar, also after opening another, until the answer stops", async () => {
    const page = await opened();
    await opener(page, "Sorting in Rust").click();
    await ask(page, "Sort a Vec<u32> in place.");
    await expect.poll(() => item(page, "Sorting in Rust").getByTestId("generating-marker").count()).toBe(1);
    expect(await opener(page, "Sorting in Rust").textContent()).toContain("writing an answer");
    expect(await page.getByTestId("generating-marker").count()).toBe(1);
    await opener(page, "Earlier chat").click();
    expect(await item(page, "Sorting in Rust").getByTestId("generating-marker").count()).toBe(1);
    await opener(page, "Sorting in Rust").click();
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByTestId("generating-marker").count()).toBe(0);
  });

  test("Escape in the message box stops the answer being written; Escape in the search box does not", async () => {
    const page = await opened();
    await ask(page, "Explain borrowing.");
    await page.getByRole("searchbox").focus();
    await page.keyboard.press("Escape");
    expect(await page.evaluate(() => harness.cancels())).toEqual([]);
    await page.getByRole("textbox", { name: "Message" }).focus();
    await page.keyboard.press("Escape");
    await expect.poll(() => page.evaluate(() => harness.cancels().length)).toBe(1);
    await expect.poll(() => lastAnswer(page).getAttribute("data-status")).toBe("interrupted");
  });
});

describe("keyboard shortcuts", () => {
  test("new chat, search and regenerate work from the keyboard", async () => {
    const page = await opened();
    // New chat opens an empty chat with the message box focused; it is stored with its first question.
    await page.keyboard.press(`${mod}+Shift+O`);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Message");
    expect(await page.getByRole("list", { name: "Conversations" }).locator('[aria-current="true"]').count()).toBe(0);

    await page.getByRole("textbox", { name: "Message" }).focus();
    await page.keyboard.press(`${mod}+K`);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("conversation-search");

    await ask(page, "What is a lifetime?");
    await page.keyboard.press("Escape");
    await expect.poll(() => page.evaluate(() => harness.generating())).toBe(false);
    await expect.poll(() => lastAnswer(page).getAttribute("data-status")).toBe("interrupted");
    await page.keyboard.press(`${mod}+Shift+Enter`);
    await expect.poll(() => page.evaluate(() => harness.sends().length)).toBe(2);
    const [first, again] = await page.evaluate(() => harness.sends());
    expect(again!.prompt).toBe(first!.prompt);
    expect(again!.rewindFrom).toBeDefined();
    await page.keyboard.press("Escape");
  });

  test("'?' opens the help sheet listing every shortcut; Escape closes it and gives focus back", async () => {
    const page = await opened();
    const help = page.getByRole("button", { name: "Keyboard shortcuts" });
    await help.focus();
    await page.keyboard.press("?");
    const sheet = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await expect.poll(() => sheet.isVisible()).toBe(true);
    const rows = await sheet.locator("tr").allTextContents();
    for (const does of ["New chat", "Search conversations", "Stop generating", "Regenerate the last answer"]) expect(rows.join("\n")).toContain(does);
    expect(rows.find((r) => r.includes("Stop generating"))).toContain("Esc");
    await page.keyboard.press("Escape");
    await expect.poll(() => sheet.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Keyboard shortcuts");
    // Typing "?" into the message box is a character, not the shortcut.
    await page.getByRole("textbox", { name: "Message" }).press("?");
    expect(await sheet.isVisible()).toBe(false);
    expect(await page.getByRole("textbox", { name: "Message" }).inputValue()).toBe("?");
  });
});

describe("narrow windows", () => {
  test("below 900 px the sidebar folds away behind a menu button and opens over the page", async () => {
    const page = await opened();
    expect(await page.getByRole("button", { name: "Conversations", exact: true }).count()).toBe(0);
    await page.setViewportSize({ width: 800, height: 600 });
    const menu = page.getByRole("button", { name: "Conversations", exact: true });
    await expect.poll(() => menu.isVisible()).toBe(true);
    const sidebar = page.getByRole("complementary", { name: "Conversations" });
    await expect.poll(() => sidebar.isVisible()).toBe(false);
    // The main view has the whole width.
    expect((await page.locator("main").boundingBox())!.width).toBeGreaterThan(790);
    await menu.click();
    await expect.poll(() => sidebar.isVisible()).toBe(true);
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    await opener(page, "Earlier chat").click();
    await expect.poll(() => sidebar.isVisible()).toBe(false);
    await menu.click();
    await expect.poll(() => sidebar.isVisible()).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => sidebar.isVisible()).toBe(false);
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(() => sidebar.isVisible()).toBe(true);
  });
});

describe("look", () => {
  test.each(["light", "dark"])("navigation, sidebar and the shortcuts sheet pass WCAG AA contrast in the %s theme", async (theme) => {
    const page = await ui.open("daily", { theme });
    await expect.poll(() => item(page, "Sorting in Rust").count()).toBe(1);
    await page.getByRole("button", { name: "Keyboard shortcuts" }).click();
    await expect.poll(() => page.getByRole("dialog").isVisible()).toBe(true);
    const checks: [string, ReturnType<Page["locator"]>][] = [
      ["current view", page.locator('nav [aria-current="page"]')],
      ["other view", page.locator("nav button:not([aria-current])").nth(1)],
      ["sidebar item", opener(page, "Sorting in Rust")],
      ["new chat", page.getByRole("button", { name: "New chat", exact: true })],
      ["sheet text", page.getByRole("dialog").locator("td").first()],
      ["sheet key", page.getByRole("dialog").locator("kbd").first()],
      ["sheet note", page.getByRole("dialog").locator(".note")],
    ];
    for (const [what, locator] of checks) {
      const pair = await locator.evaluate(textOnBackground);
      expect(contrast(pair.fg, pair.bg), `${what} in ${theme}`).toBeGreaterThanOrEqual(4.5);
    }
  });
});
