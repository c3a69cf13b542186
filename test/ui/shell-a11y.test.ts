import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { useHarness } from "./support/harness-page.js";

// The shell for keyboard and screen-reader users: a heading that names the page, a skip link,
// and a drawer (narrow windows) that takes focus, keeps it, and gives it back.
const ui = useHarness({ viewport: { width: 1280, height: 800 } });

const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return { label: el?.getAttribute("aria-label") ?? el?.textContent?.trim() ?? "", id: el?.id ?? "", inDrawer: !!el?.closest("#sidebar") };
  });

async function opened(width = 1280, height = 800): Promise<Page> {
  const page = await ui.open("daily");
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect.poll(() => page.getByRole("list", { name: "Conversations" }).locator("li").count()).toBe(2);
  await page.setViewportSize({ width, height });
  return page;
}

describe("headings and skipping", () => {
  test("every view has exactly one h1, the app's name, above the view's own heading", async () => {
    const page = await opened();
    const h1 = page.getByRole("heading", { level: 1 });
    for (const view of ["Chat", "Models", "Downloads", "Settings"]) {
      await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: view, exact: true }).click();
      expect(await h1.count(), view).toBe(1);
      expect(await h1.textContent()).toBe("R1 Local");
    }
    expect(await page.getByRole("heading", { level: 2, name: "Settings" }).count()).toBe(1);
  });

  test("the first Tab reaches a visible 'Skip to main content' link, and Enter puts focus on the main view", async () => {
    const page = await opened();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press("Tab");
    expect((await focused(page)).label).toBe("Skip to main content");
    const box = (await page.getByRole("link", { name: "Skip to main content" }).boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.x).toBeGreaterThanOrEqual(0);
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await focused(page)).id).toBe("main-content");
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("MAIN");
    // The next Tab goes on into the view (the message box), past the sidebar and the navigation.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => !!document.activeElement?.closest("main") && !document.activeElement?.closest("nav"))).toBe(true);
  });
});

describe("the drawer at 800 px", () => {
  test("opening it moves focus into it, Tab and Shift+Tab stay inside, Escape closes it and focus returns to the menu button", async () => {
    const page = await opened(800, 600);
    const menu = page.getByRole("button", { name: "Conversations", exact: true });
    await menu.click();
    await expect.poll(async () => (await focused(page)).inDrawer).toBe(true);
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Tab");
      expect((await focused(page)).inDrawer, `after ${i + 1} Tab presses`).toBe(true);
    }
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Shift+Tab");
      expect((await focused(page)).inDrawer, `after ${i + 1} Shift+Tab presses`).toBe(true);
    }
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("complementary", { name: "Conversations" }).isVisible()).toBe(false);
    await expect.poll(async () => (await focused(page)).label).toBe("Conversations");
  });

  test("its close button closes it and gives focus back; choosing a conversation leaves focus on the page, not lost", async () => {
    const page = await opened(800, 600);
    const menu = page.getByRole("button", { name: "Conversations", exact: true });
    await menu.click();
    await page.getByRole("button", { name: "Close conversations" }).click();
    await expect.poll(() => page.getByRole("complementary", { name: "Conversations" }).isVisible()).toBe(false);
    await expect.poll(async () => (await focused(page)).label).toBe("Conversations");
    await menu.press("Enter");
    await expect.poll(async () => (await focused(page)).inDrawer).toBe(true);
    await page.getByRole("list", { name: "Conversations" }).locator("button.title").filter({ hasText: "Earlier chat" }).click();
    await expect.poll(() => page.getByRole("complementary", { name: "Conversations" }).isVisible()).toBe(false);
    await expect
      .poll(() =>
        page.evaluate(
          () => document.activeElement !== document.body && !document.activeElement?.closest("#sidebar") && document.activeElement?.checkVisibility(),
        ),
      )
      .toBe(true);
  });
});
