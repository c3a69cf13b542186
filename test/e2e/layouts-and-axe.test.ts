import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Locator, Page } from "playwright-core";
import { axeViolations } from "../support/a11y/axe.js";
import { startAppUnderTest, TEST_VARIANT_ID, type AppUnderTest } from "../support/e2e/app-under-test.js";
import { sidewaysOverflow, unreachableReason } from "../support/e2e/layout-checks.js";

// Every view with real content (a conversation whose reasoning is expanded, the models listed, a
// downloaded model, settings) at the window sizes the app meets, from a desktop to the narrowest
// phone-sized window serve mode might get, in both themes: nothing scrolls sideways, the primary
// actions are on screen and clickable, axe-core finds no WCAG 2.2 AA problem, and each is
// photographed into test-results/e2e/ for a person to look at.
let app: AppUnderTest;
let page: Page;
const long = { timeout: 180_000, interval: 250 };

const SIZES = [
  { width: 1280, height: 800 },
  { width: 800, height: 600 },
  { width: 600, height: 900 },
  { width: 360, height: 740 },
];
const THEMES = ["light", "dark"] as const;

const nav = (name: string) => page.getByRole("navigation", { name: "Main" }).getByRole("button", { name, exact: true });
const testVariant = () => page.locator(`[data-variant="${TEST_VARIANT_ID}"]`);

interface ViewCheck {
  nav: string;
  name: string;
  /** Resolves once the view shows its content. */
  ready(): Promise<void>;
  /** The view's primary actions, which must be on screen and clickable. */
  actions(): Locator[];
}

const VIEWS: ViewCheck[] = [
  {
    nav: "Chat",
    name: "chat",
    ready: () => expect.poll(() => page.getByTestId("trace-title").first().textContent(), long).toMatch(/^Thought for/),
    actions: () => [page.getByRole("button", { name: "Send", exact: true })],
  },
  {
    nav: "Models",
    name: "models",
    ready: () => expect.poll(() => testVariant().getByTestId("fit-badge").count(), long).toBe(1),
    actions: () => [testVariant().getByRole("button", { name: /^Unload/ }), page.getByRole("button", { name: "Download", exact: true }).first()],
  },
  {
    nav: "Downloads",
    name: "downloads",
    ready: () => expect.poll(() => page.getByTestId("library").textContent(), long).toContain(".gguf"),
    actions: () => [],
  },
  {
    nav: "Training data",
    name: "training-data",
    ready: () => expect.poll(() => page.getByRole("heading", { level: 2, name: "Training data" }).count()).toBe(1),
    actions: () => [],
  },
  {
    nav: "Settings",
    name: "settings",
    ready: () => expect.poll(() => page.getByLabel("Theme").count(), long).toBe(1),
    actions: () => [],
  },
];

beforeAll(async () => {
  app = await startAppUnderTest();
  page = app.page;
  // A click that something covers fails after a while instead of waiting for ever.
  page.setDefaultTimeout(20_000);
}, 300_000);
afterAll(async () => app?.close());

test("real content: the scripted model downloaded, loaded and asked, its reasoning opened", async () => {
  await expect.poll(() => page.getByTestId("status-line").textContent(), long).toMatch(/R1 Local \d/);
  await nav("Models").click();
  await expect.poll(() => testVariant().getByRole("button", { name: "Download" }).count(), long).toBe(1);
  await testVariant().getByRole("button", { name: "Download" }).click();
  await nav("Downloads").click();
  await expect.poll(() => page.getByTestId("library").textContent(), long).toContain(".gguf");
  await nav("Models").click();
  await testVariant().getByRole("button", { name: "Load" }).click();
  await expect.poll(() => page.getByTestId("engine-banner").textContent(), long).toContain("Model:");
  await nav("Chat").click();
  const box = page.getByRole("textbox", { name: "Message" });
  await expect.poll(() => box.isEnabled(), long).toBe(true);
  await page.getByLabel("Thinking budget").selectOption({ label: "256 tokens" });
  await box.fill("What is six times seven?");
  await box.press("Enter");
  await expect.poll(() => page.getByTestId("assistant-message").last().getAttribute("data-status"), long).toBe("done");
  const toggle = page.getByTestId("reasoning-trace").last().locator("button.toggle");
  if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
  await expect.poll(() => toggle.getAttribute("aria-expanded")).toBe("true");
}, 600_000);

describe.each(SIZES)("at $width×$height", (size) => {
  describe.each(THEMES)("in the %s theme", (theme) => {
    test.each(VIEWS)("$name fits the window, keeps its actions reachable and passes axe-core", async (view) => {
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme: theme }); // the theme setting's default, "System", follows it
      await nav(view.nav).click();
      await view.ready();
      await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
      await app.screenshot(`${size.width}x${size.height}-${theme}-${view.name}`);

      expect(await sidewaysOverflow(page), "the page scrolls sideways by this many pixels").toBeLessThanOrEqual(0);
      const everywhere = [
        ...["Chat", "Models", "Downloads", "Training data", "Settings"].map(nav),
        page.getByRole("button", { name: size.width < 900 ? "Conversations" : "New chat", exact: true }),
      ];
      for (const control of [...everywhere, ...view.actions()]) {
        expect(await unreachableReason(control), `${await control.first().textContent()} at ${size.width} px`).toBe("");
      }
      expect(await axeViolations(page)).toEqual([]);
    });

    test.skipIf(size.width >= 900)("the conversations drawer opens over the page with New chat in reach and passes axe-core", async () => {
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme: theme });
      await page.getByRole("button", { name: "Conversations", exact: true }).click();
      const newChat = page.getByRole("complementary", { name: "Conversations" }).getByRole("button", { name: "New chat", exact: true });
      await expect.poll(() => newChat.isVisible()).toBe(true);
      // Photographed once it has slid all the way in.
      const drawerLeft = () => page.locator("#sidebar").evaluate((el) => el.getBoundingClientRect().left);
      await expect.poll(drawerLeft).toBe(0);
      try {
        await app.screenshot(`${size.width}x${size.height}-${theme}-drawer`);
        expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
        expect(await unreachableReason(newChat)).toBe("");
        expect(await axeViolations(page)).toEqual([]);
      } finally {
        await page.keyboard.press("Escape"); // the next test needs the page, not the drawer
        await expect.poll(() => newChat.isVisible()).toBe(false);
      }
    });
  });
});
