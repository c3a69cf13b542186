import type { Locator, Page } from "playwright-core";

/** The page's window, as the functions below see it inside Chromium (this project's Node types have no DOM). */
interface PageWindow {
  innerWidth: number;
  innerHeight: number;
  document: { scrollingElement: { scrollWidth: number }; elementFromPoint(x: number, y: number): { outerHTML: string } | null };
}

/** How far the page itself scrolls sideways (0 when it fits the window). */
export function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const window = globalThis as unknown as PageWindow;
    return window.document.scrollingElement.scrollWidth - window.innerWidth;
  });
}

/**
 * Why a control is not usable where it is, or "" when it is: it must lie wholly inside the
 * window's width, and a click at its centre (after scrolling it into view) must reach it rather
 * than something drawn over it.
 */
export async function unreachableReason(control: Locator): Promise<string> {
  if ((await control.count()) === 0) return "not on the page";
  await control.scrollIntoViewIfNeeded();
  return control.evaluate((el) => {
    const window = globalThis as unknown as PageWindow;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return "not shown";
    if (box.left < 0 || box.right > window.innerWidth + 0.5)
      return `outside the window sideways (${Math.round(box.left)}–${Math.round(box.right)} of ${window.innerWidth})`;
    if (box.top < 0 || box.bottom > window.innerHeight + 0.5)
      return `outside the window (${Math.round(box.top)}–${Math.round(box.bottom)} of ${window.innerHeight})`;
    const hit = window.document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    if (!hit || !el.contains(hit as never)) return `covered by ${hit?.outerHTML.slice(0, 80) ?? "nothing"}`;
    return "";
  });
}
