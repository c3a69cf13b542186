import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { contrast } from "./support/contrast.js";
import { useHarness } from "./support/harness-page.js";

type Level = "info" | "warning" | "error";
declare const harness: {
  appNotice(level: Level, message: string): void;
  chatNotice(message: string): void;
  command(name: "new-chat"): void;
  created(): number;
  logOpens(): number;
};

const ui = useHarness();

const REPAIRED = 'Settings were repaired: Setting "contextSize" had an invalid value ("lots"); the default is in use.';
const SHIFTED = "The conversation no longer fits into the model's context of 8192 tokens: 3 earlier messages were left out of what the model sees.";
const NO_PORT = "The API could not listen on 127.0.0.1:8080: listen EADDRINUSE";

const region = (page: Page) => page.getByRole("region", { name: "Notices" });
const banner = (page: Page, text: string) => region(page).getByTestId("notice").filter({ hasText: text });
const appNotice = (page: Page, level: Level, message: string) => page.evaluate(([l, m]) => harness.appNotice(l, m), [level, message] as const);

describe("notices", () => {
  test("an app notice and a chat notice show in the banner area with the right roles, and Dismiss removes one", async () => {
    const page = await ui.open("notices");
    await expect.poll(() => page.getByTestId("engine-banner").textContent()).toContain("Model: q4.gguf");
    await appNotice(page, "warning", REPAIRED);
    await page.evaluate((m) => harness.chatNotice(m), SHIFTED);
    await appNotice(page, "error", NO_PORT);

    const polite = region(page).getByRole("status");
    await expect.poll(() => polite.textContent()).toContain(REPAIRED);
    expect(await polite.textContent()).toContain(SHIFTED);
    expect(await polite.textContent()).not.toContain(NO_PORT);
    expect(await region(page).getByRole("alert").textContent()).toContain(NO_PORT);
    expect(await banner(page, REPAIRED).textContent()).toContain("Warning:");
    expect(await banner(page, NO_PORT).textContent()).toContain("Error:");

    await banner(page, REPAIRED).getByRole("button", { name: "Dismiss", exact: true }).click();
    await expect.poll(() => banner(page, REPAIRED).count()).toBe(0);
    expect(await banner(page, SHIFTED).count()).toBe(1);
    await banner(page, SHIFTED).getByRole("button", { name: "Dismiss", exact: true }).click();
    await banner(page, NO_PORT).getByRole("button", { name: "Dismiss", exact: true }).click();
    await expect.poll(() => region(page).getByTestId("notice").count()).toBe(0);
  });

  test("the same notice twice shows once, and no more than four show at a time (newest kept)", async () => {
    const page = await ui.open("notices");
    await appNotice(page, "warning", REPAIRED);
    await appNotice(page, "warning", REPAIRED);
    await expect.poll(() => banner(page, REPAIRED).count()).toBe(1);
    for (let i = 1; i <= 5; i++) await appNotice(page, "warning", `Conversation store damage #${i} was repaired.`);
    await expect.poll(() => region(page).getByTestId("notice").count()).toBe(4);
    expect(await banner(page, REPAIRED).count()).toBe(0);
    expect(await banner(page, "damage #5").count()).toBe(1);
  });

  test("info hides by itself after ten seconds; warnings and errors stay until dismissed", async () => {
    const page = await ui.open("notices");
    await page.clock.install();
    await ui.open("notices");
    await appNotice(page, "info", "The API server is listening.");
    await appNotice(page, "warning", REPAIRED);
    await appNotice(page, "error", NO_PORT);
    await expect.poll(() => region(page).getByTestId("notice").count()).toBe(3);
    await page.clock.fastForward(9_000);
    expect(await banner(page, "listening").count()).toBe(1);
    await page.clock.fastForward(2_000);
    await expect.poll(() => banner(page, "listening").count()).toBe(0);
    await page.clock.fastForward(60_000);
    expect(await region(page).getByTestId("notice").count()).toBe(2);
  });

  test.each(["light", "dark"])("every level's words and its Dismiss button pass WCAG AA contrast in the %s theme", async (theme) => {
    const page = await ui.open("notices", { theme });
    for (const level of ["info", "warning", "error"] as const) await appNotice(page, level, `A ${level} notice`);
    await expect.poll(() => region(page).getByTestId("notice").count()).toBe(3);
    for (const level of ["info", "warning", "error"]) {
      const notice = region(page).locator(`[data-level="${level}"]`);
      const colours = await notice.evaluate((el) => {
        const button = el.querySelector("button")!;
        return {
          fg: getComputedStyle(el).color,
          bg: getComputedStyle(el).backgroundColor,
          buttonFg: getComputedStyle(button).color,
          buttonBg: getComputedStyle(button).backgroundColor,
        };
      });
      expect(colours.bg, `${level} has its own background`).not.toBe("rgba(0, 0, 0, 0)");
      expect(contrast(colours.fg, colours.bg), `${level} text in ${theme}`).toBeGreaterThanOrEqual(4.5);
      expect(contrast(colours.buttonFg, colours.buttonBg), `${level} Dismiss in ${theme}`).toBeGreaterThanOrEqual(4.5);
    }
  });
});

describe("File → New Chat from the native menu", () => {
  test("the app.command new-chat event starts a new chat as the sidebar's button does, and shows it", async () => {
    const page = await ui.open("notices");
    const sidebar = page.getByRole("complementary", { name: "Conversations" });
    const active = async () => (await sidebar.locator('[aria-current="true"]').textContent())?.trim();
    await expect.poll(active).toBe("Earlier chat");
    await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Settings" }).click();

    await page.evaluate(() => harness.command("new-chat"));
    // An empty chat with the message box focused; nothing is stored until its first question.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Message");
    expect(await sidebar.locator('[aria-current="true"]').count()).toBe(0);
    expect(await page.getByRole("navigation", { name: "Main" }).locator('[aria-current="page"]').textContent()).toBe("Chat");

    await sidebar.getByRole("button", { name: "New chat", exact: true }).click(); // again, while it is empty: the same chat
    expect(await page.evaluate(() => harness.created())).toBe(0);
    expect(await sidebar.getByRole("listitem").count()).toBe(1);
  });
});

describe("the log folder from an error notice", () => {
  test("an error offers Open log folder; in serve mode it shows the folder's path with a copy button, and only errors offer it", async () => {
    const page = await ui.open("notices");
    await appNotice(page, "warning", REPAIRED);
    await appNotice(page, "error", NO_PORT);
    expect(await banner(page, REPAIRED).getByRole("button", { name: "Open log folder" }).count()).toBe(0);
    await banner(page, NO_PORT).getByRole("button", { name: "Open log folder" }).click();
    await expect
      .poll(() => banner(page, NO_PORT).getByTestId("log-folder-path").textContent())
      .toBe("The log is in /home/ada/.local/share/r1-local/logs on the computer running R1 Local.");
    expect(await page.evaluate(() => harness.logOpens())).toBe(1);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(page.url()).origin });
    await banner(page, NO_PORT).getByRole("button", { name: "Copy log folder path" }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe("/home/ada/.local/share/r1-local/logs");
  });
});
