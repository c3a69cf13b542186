import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { useHarness } from "./support/harness-page.js";

declare const harness: { sends(): { prompt: string; rewindFrom?: string }[]; cancels(): string[]; generating(): boolean };

interface Stop {
  name: string;
  /** A 2 px or wider outline drawn around it, or false. */
  ringVisible: boolean;
  onScreen: boolean;
}

const ui = useHarness({ viewport: { width: 1280, height: 800 } });

/** The focused element: its name as a person hears it, and whether its focus ring shows. */
const focused = (page: Page) =>
  page.evaluate((): Stop | null => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const label = (el as HTMLInputElement).labels?.[0]?.textContent;
    const name = (el.getAttribute("aria-label") ?? label ?? el.textContent ?? "").trim().replace(/\s+/g, " ");
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {
      name,
      ringVisible: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
      onScreen: box.width > 1 && box.height > 1 && box.right > 0 && box.left < innerWidth,
    };
  });

/** Presses Tab until `until` is focused (or `max` presses), returning every stop on the way. */
async function tabUntil(page: Page, until: (s: Stop) => boolean, max = 60): Promise<Stop[]> {
  const stops: Stop[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const stop = await focused(page);
    if (!stop) continue;
    stops.push(stop);
    if (until(stop)) return stops;
  }
  throw new Error(`Never reached the target; went through: ${stops.map((s) => s.name).join(" → ")}`);
}

const indexOf = (stops: Stop[], name: string) => stops.findIndex((s) => s.name === name);

async function opened(width: number, height: number): Promise<Page> {
  const page = await ui.open("daily");
  await page.setViewportSize({ width, height });
  await expect.poll(() => page.getByTestId("engine-banner").textContent()).toContain("Model:");
  await expect.poll(() => page.getByText("Sorting in Rust").count()).toBeGreaterThan(0);
  return page;
}

describe("keyboard only", () => {
  test("Tab goes sidebar → main navigation → message box, every stop shows its focus ring and is on screen", async () => {
    const page = await opened(1280, 800);
    const stops = await tabUntil(page, (s) => s.name === "Message");
    const order = ["New chat", "Search conversations", "Sorting in Rust", "Chat", "Models", "Downloads", "Settings", "Keyboard shortcuts", "Message"].map((n) =>
      indexOf(stops, n),
    );
    expect(
      order.every((i) => i >= 0),
      stops.map((s) => s.name).join(" → "),
    ).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    for (const stop of stops) {
      expect(stop.ringVisible, `focus ring on "${stop.name}"`).toBe(true);
      expect(stop.onScreen, `"${stop.name}" is on screen`).toBe(true);
    }
  });

  test("ask, stop with Escape, regenerate with Enter on its button, stop again — without the mouse", async () => {
    const page = await opened(1280, 800);
    await tabUntil(page, (s) => s.name === "Message");
    await page.keyboard.type("Why does the borrow checker reject this?");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => harness.generating())).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.evaluate(() => harness.cancels().length)).toBe(1);
    await expect.poll(() => page.getByTestId("assistant-message").last().getAttribute("data-status")).toBe("interrupted");

    // From the top of the page, Tab reaches the answer's Regenerate button; Enter asks again.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabUntil(page, (s) => s.name === "Regenerate");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => harness.sends().length)).toBe(2);
    expect((await page.evaluate(() => harness.sends()))[1]!.rewindFrom).toBeDefined();
    await page.keyboard.press("Escape");
    await expect.poll(() => page.evaluate(() => harness.cancels().length)).toBe(2);
  });

  test("the main views open from the keyboard", async () => {
    const page = await opened(1280, 800);
    await tabUntil(page, (s) => s.name === "Settings");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByRole("heading", { name: "Settings" }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Settings" }).getAttribute("aria-current")).toBe("page");
  });

  test("at 800 px the folded sidebar is out of the Tab order until the menu button opens it", async () => {
    const page = await opened(800, 600);
    const stops = await tabUntil(page, (s) => s.name === "Message");
    expect(stops[0]!.name).toBe("Skip to main content");
    expect(stops[1]!.name).toBe("Conversations");
    expect(indexOf(stops, "New chat")).toBe(-1);
    expect(indexOf(stops, "Sorting in Rust")).toBe(-1);
    for (const stop of stops) expect(stop.ringVisible, `focus ring on "${stop.name}"`).toBe(true);

    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabUntil(page, (s) => s.name === "Conversations");
    await page.keyboard.press("Enter");
    const inside = await tabUntil(page, (s) => s.name === "Search conversations");
    expect(inside.map((s) => s.name)).toContain("New chat");
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("complementary", { name: "Conversations" }).isVisible()).toBe(false);
    expect((await focused(page))?.name).toBe("Conversations");
  });
});
