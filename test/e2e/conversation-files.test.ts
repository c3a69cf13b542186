import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchGuardedChromium, type GuardedBrowser } from "../support/browser/chromium.js";
import { startServeProcess, type ServeProcess } from "../support/browser/serve-process.js";
import { CONVERSATIONS_IMPORT_PATH } from "../../electron/shared/upload-routes.js";

// Needs the built renderer (`npm run build:renderer`), as shell.test.ts does. No model: the
// conversation comes in through Import, as a JSON export from another machine would.
let dataDir: string;
let serve: ServeProcess;
let chrome: GuardedBrowser;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "r1-conversation-files-"));
  serve = await startServeProcess({ dataDir });
  chrome = await launchGuardedChromium({ width: 1280, height: 800 });
});
afterAll(async () => {
  await chrome?.close();
  await serve?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const at = 1_760_000_000_000;
/** A JSON export as R1 Local writes it: a question with an attached file, and an answer with its reasoning. */
const archive = {
  format: "r1-local.conversations",
  version: 1,
  exportedAt: at,
  conversations: [
    {
      id: "0b9a3c52-5f0e-4c8e-9d52-6f1f1c2a7e01",
      title: "Review of the parser",
      titleSource: "user",
      model: "DeepSeek-R1-Distill-Qwen-7B",
      variant: null,
      settings: {},
      pinned: false,
      createdAt: at,
      updatedAt: at,
      messageCount: 2,
      messages: [
        {
          id: "7f6c1d2e-0000-4000-8000-000000000001",
          role: "user",
          text: "Is this parser safe?",
          attachments: [{ name: "src/parse.ts", content: "export function parse(input: string) {\n  return tokenizeLexeme(input);\n}\n" }],
          createdAt: at,
        },
        {
          id: "7f6c1d2e-0000-4000-8000-000000000002",
          role: "assistant",
          thought: "The reader recurses without a depth limit, a stack overflow on hostile input.",
          answer: "Add a recursion budget; otherwise the parser is sound.",
          model: "DeepSeek-R1-Distill-Qwen-7B",
          metrics: null,
          stopReason: "eos",
          interrupted: false,
          createdAt: at,
          finishedAt: at,
        },
      ],
    },
  ],
};

const sidebar = (page: Page) => page.getByRole("complementary", { name: "Conversations" });
const items = (page: Page) => sidebar(page).getByRole("list", { name: "Conversations" }).locator("li");
const selected = async (page: Page) => (await sidebar(page).locator('[aria-current="true"] .text').allTextContents()).map((t) => t.trim());
const currentView = (page: Page) => page.getByRole("navigation", { name: "Main" }).locator('[aria-current="page"]').textContent();
const picker = (page: Page) => page.getByTestId("import-conversations-input");
const search = (page: Page) => page.getByRole("searchbox", { name: "Search conversations" });

describe("conversations in and out, and found by what is inside them (real core, serve mode)", () => {
  it("imports a JSON export, finds it by words of its reasoning, answer and attached file, exports it, and keeps view and selection over a reload", async () => {
    const { page } = chrome;
    // The file goes up as an authenticated upload, never as one WebSocket message (the socket takes 16 MiB at most).
    const uploads: string[] = [];
    const importsOverSocket: string[] = [];
    page.on("request", (r) => {
      if (new URL(r.url()).pathname === CONVERSATIONS_IMPORT_PATH)
        uploads.push(`${r.method()} ${r.headers().authorization === `Bearer ${serve.token}` ? "with token" : "without"}`);
    });
    page.on("websocket", (ws) =>
      ws.on("framesent", ({ payload }) => {
        if (String(payload).includes('"conversations.import"')) importsOverSocket.push(String(payload).slice(0, 80));
      }),
    );
    await page.goto(serve.url);
    await expect.poll(() => page.getByRole("navigation", { name: "Main" }).isVisible(), { timeout: 30_000 }).toBe(true);
    await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Settings", exact: true }).click();

    // A broken file: the core's message, and nothing is added.
    await picker(page).setInputFiles({
      name: "broken.json",
      mimeType: "application/json",
      buffer: Buffer.from('{"format": "r1-local.conversations", "version": 1'),
    });
    await expect.poll(() => sidebar(page).getByRole("alert").textContent()).toContain("This file is not a conversation export (it is not JSON)");
    const wrongShape = Buffer.from(JSON.stringify({ format: "something-else", conversations: [] }));
    await picker(page).setInputFiles({ name: "other.json", mimeType: "application/json", buffer: wrongShape });
    await expect.poll(() => sidebar(page).getByRole("alert").textContent()).toContain("This file is not an R1 Local conversation export");
    expect(await items(page).allTextContents()).toEqual(["No conversations yet."]);

    // The export: listed, selected and opened in the chat.
    await picker(page).setInputFiles({ name: "parser.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(archive)) });
    await expect.poll(() => selected(page)).toEqual(["Review of the parser"]);
    expect(await currentView(page)).toBe("Chat");
    await expect.poll(() => page.getByTestId("assistant-message").count()).toBe(1);
    expect(await sidebar(page).getByRole("alert").count()).toBe(0);

    // Search reaches the reasoning, the answer and the attached file, quoting where.
    for (const [word, where] of [
      ["stack overflow", "Reasoning:"],
      ["recursion budget", "Answer:"],
      ["tokenizeLexeme", "File src/parse.ts:"],
    ] as const) {
      await search(page).fill(word);
      const snippet = sidebar(page).getByTestId("search-snippet");
      await expect.poll(() => snippet.textContent()).toContain(where);
      // The longest of the words is marked.
      const marked = (await snippet.locator("mark").textContent())!.toLowerCase();
      expect(
        word
          .toLowerCase()
          .split(" ")
          .sort((a, b) => b.length - a.length)[0],
      ).toBe(marked);
    }
    await search(page).fill("");

    // Export: Markdown to read, JSON that imports again beside the original.
    const title = "Review of the parser";
    await page.getByRole("button", { name: `Export ${title}`, exact: true }).click();
    const markdown = page.waitForEvent("download");
    await page.getByRole("button", { name: `Export ${title} as Markdown` }).click();
    const md = await markdown;
    expect(md.suggestedFilename()).toBe("review-of-the-parser.md");
    const text = await readFile((await md.path())!, "utf8");
    expect(text).toContain("# Review of the parser");
    expect(text).toContain("Add a recursion budget");
    expect(text).toContain("tokenizeLexeme");
    await page.getByRole("button", { name: `Export ${title}`, exact: true }).click();
    const json = page.waitForEvent("download");
    await page.getByRole("button", { name: `Export ${title} as JSON` }).click();
    const exported = await readFile((await (await json).path())!, "utf8");
    expect(JSON.parse(exported)).toMatchObject({
      format: "r1-local.conversations",
      conversations: [{ title, messages: [{ role: "user" }, { role: "assistant" }] }],
    });
    await picker(page).setInputFiles({ name: "again.json", mimeType: "application/json", buffer: Buffer.from(exported) });
    await expect.poll(() => items(page).count()).toBe(2);
    expect(uploads).toEqual(Array(4).fill("POST with token"));
    expect(importsOverSocket).toEqual([]);
    expect(await sidebar(page).getByRole("status").filter({ hasText: "is already here" }).count()).toBe(1);

    // The view and the selected conversation survive a reload (the address keeps them; the token stays in this tab).
    await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Models", exact: true }).click();
    await page.reload();
    await expect.poll(() => selected(page), { timeout: 30_000 }).toEqual([title]);
    expect(await currentView(page)).toBe("Models");
    expect(new URL(page.url()).hash).not.toContain("token");
    expect(chrome.offMachineRequests).toEqual([]);
  });
});
