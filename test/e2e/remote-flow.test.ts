import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { startAppUnderTest, type AppUnderTest } from "../support/e2e/app-under-test.js";
import { startWireServer, WIRE_THOUGHT, type WireServer } from "../support/remote/wire-server.js";

// A person with a vLLM server for the 671B: adds it in Settings, checks the connection, chats with
// it without any local model, and sees the reasoning as a trace — and that their text leaves this machine.
let app: AppUnderTest;
let page: Page;
let wire: WireServer;
const KEY = "sk-lab-0123456789abcdefQRST";
const long = { timeout: 120_000, interval: 250 };

beforeAll(async () => {
  wire = await startWireServer();
  app = await startAppUnderTest();
  page = app.page;
}, 300_000);
afterAll(async () => {
  await app?.close();
  await wire?.close();
});

const nav = (name: string) => page.getByRole("navigation", { name: "Main" }).getByRole("button", { name });

describe("a remote server, end to end in Chromium over serve mode", () => {
  test("added in Settings with a key that never comes back to the page, tested, and chosen", async () => {
    await expect.poll(() => page.getByTestId("status-line").textContent(), long).toMatch(/R1 Local \d/);
    await nav("Settings").click();
    await page.getByRole("button", { name: "Add a server" }).click();
    await page.getByLabel("Server").selectOption("vllm");
    await page.getByLabel("Base URL").fill(wire.url);
    await page.getByLabel("API key").fill(KEY);
    await page.getByRole("button", { name: "Add server" }).click();
    await expect.poll(() => page.getByTestId("endpoint-row").textContent(), long).toContain("key …QRST");
    expect(await page.content()).not.toContain(KEY);
    await page.getByTestId("endpoint-row").getByRole("button", { name: "Test connection" }).click();
    await expect.poll(() => page.getByTestId("test-ok").textContent(), long).toMatch(/Connected in \d+ ms · serves deepseek-ai\/DeepSeek-R1/);
    await page.getByRole("button", { name: "Chat with this server" }).click();
    await expect.poll(() => page.getByTestId("remote-banner").textContent(), long).toMatch(/Leaves this machine.*127\.0\.0\.1/);
    await app.screenshot("remote-server");
  });

  test("chat answers from it with no local model: the reasoning as a trace, the answer as the answer", async () => {
    await nav("Chat").click();
    const box = page.getByRole("textbox", { name: "Message" });
    await expect.poll(() => box.isEnabled(), long).toBe(true);
    await box.fill("What is 6 × 7?");
    await box.press("Enter");
    const reply = page.getByTestId("assistant-message").last();
    await expect.poll(() => reply.getByTestId("answer").textContent(), long).toContain("42");
    await expect.poll(() => reply.getByTestId("reasoning-trace").textContent(), long).toMatch(/Thought/);
    await reply.getByTestId("reasoning-trace").getByRole("button").first().click();
    await expect.poll(() => reply.getByTestId("reasoning-trace").locator(".body").textContent(), long).toContain(WIRE_THOUGHT.slice(0, 30));
    expect(wire.requests.at(-1)).toMatchObject({ temperature: 0.6, top_p: 0.95, messages: [{ role: "user", content: "What is 6 × 7?" }] });
    await app.screenshot("remote-answer");
  });
});
