import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { startHarness, type HarnessPage } from "./support/harness-page.js";

declare const harness: { render(text: string): string };

let ui: HarnessPage;
let page: Page;

beforeAll(async () => {
  ui = await startHarness();
  page = await ui.open("markdown");
}, 120_000);
afterAll(async () => ui?.close());

const render = (text: string) => page.evaluate((t) => harness.render(t), text);
const count = (selector: string) => page.locator(`#app ${selector}`).count();

describe("answer Markdown", () => {
  test.each([
    ["inline $…$", "so $x^2 + 1$ holds", 1, 0],
    ["display $$…$$", "$$\\int_0^1 x\\,dx$$", 0, 1],
    ["inline \\(…\\)", "where \\(a \\ne b\\)", 1, 0],
    ["display \\[…\\]", "\\[\\frac{n(n+1)}{2}\\]", 0, 1],
    ["a bare \\boxed{}", "The answer is \\boxed{5050}.", 1, 0],
    ["\\boxed inside math", "$\\boxed{\\frac{1}{2}}$", 1, 0],
  ])("renders %s with KaTeX", async (_name, source, inline, display) => {
    await render(source);
    expect(await count(".katex-display")).toBe(display);
    expect(await count(".katex")).toBe(inline + display);
    expect(await count(".katex-error")).toBe(0);
  });

  test("money is not math", async () => {
    await render("It costs $5 and $6 today.");
    expect(await count(".katex")).toBe(0);
    expect(await page.locator("#app").textContent()).toContain("$5 and $6");
  });

  test("code blocks are highlighted and have a copy button", async () => {
    await render("```python\ndef f(x):\n    return x + 1\n```");
    expect(await count(".code-block .hljs-keyword")).toBeGreaterThan(0);
    expect(await page.locator("#app [data-copy-code]").getAttribute("aria-label")).toBe("Copy code");
    expect(await page.locator("#app code").textContent()).toBe("def f(x):\n    return x + 1");
  });

  test("model text cannot run script or inject handlers", async () => {
    const html = await render('<script>window.hacked = 1</script><img src=x onerror="window.hacked = 2"> [link](javascript:alert)');
    expect(html).not.toContain("<script");
    expect(await count("script, [onerror]")).toBe(0);
    expect(html).not.toContain('href="javascript:');
    expect(await page.evaluate(() => (window as unknown as { hacked?: number }).hacked)).toBeUndefined();
  });

  test("an unfinished formula shows as source, not an error page", async () => {
    await render("halfway $\\frac{1}{");
    expect(await page.locator("#app").textContent()).toContain("halfway");
  });
});
