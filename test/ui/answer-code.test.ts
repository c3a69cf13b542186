import fs from "node:fs/promises";
import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { useHarness } from "./support/harness-page.js";

declare const harness: { show(text: string): void };

let page: Page;
const ui = useHarness();

const ANSWER = "Here it is:\n\n```python\ndef area(r):\n    return 3.14159 * r * r\n```\n\nand a shell line:\n\n```\nls -la\n```\n";

async function saved(button: ReturnType<Page["locator"]>): Promise<{ name: string; text: string }> {
  const download = page.waitForEvent("download");
  await button.click();
  const file = await download;
  return { name: file.suggestedFilename(), text: await fs.readFile((await file.path())!, "utf8") };
}

describe("code in answers", () => {
  test("each block shows its language and saves exactly its code as a file named for the language", async () => {
    page = await ui.open("answer-code");
    await page.evaluate((text) => harness.show(text), ANSWER);
    const blocks = page.locator(".code-block");
    await expect.poll(() => blocks.count()).toBe(2);
    expect(await blocks.first().locator(".code-lang").textContent()).toBe("python");
    expect(await blocks.nth(1).locator(".code-lang").count()).toBe(0);
    expect(await saved(blocks.first().getByRole("button", { name: "Save code as a file" }))).toEqual({
      name: "snippet.py",
      text: "def area(r):\n    return 3.14159 * r * r",
    });
    expect(await saved(blocks.nth(1).getByRole("button", { name: "Save code as a file" }))).toEqual({ name: "snippet.txt", text: "ls -la" });
  });

  test("the whole answer copies as its Markdown, fences and language tags included", async () => {
    page = await ui.open("answer-code");
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(page.url()).origin });
    await page.evaluate((text) => harness.show(text), ANSWER);
    await page.getByRole("button", { name: "Copy as Markdown" }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(ANSWER);
  });
});
