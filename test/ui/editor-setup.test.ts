import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { contrast, textOnBackground } from "./support/contrast.js";
import { useHarness } from "./support/harness-page.js";

declare const harness: {
  turnOn(): Promise<void>;
  nextTest(result: unknown): void;
  answer(): void;
  tests(): number;
  shapes(): string[];
};

const ui = useHarness();
const URL_ = "http://127.0.0.1:41742/v1";
const KEY = "r1-test-key-0123456789";
const MODEL = "R1 Distill Qwen 1.5B Q4_K_M";

const panel = (page: Page) => page.getByTestId("editor-setup");
const config = (page: Page) => page.getByTestId("editor-config");

async function opened(query: Record<string, string> = {}): Promise<Page> {
  const page = await ui.open("editor-setup", query);
  await page.evaluate(() => harness.turnOn());
  await expect.poll(() => page.getByTestId("editor-base-url").textContent()).toBe(URL_);
  return page;
}

describe("editor setup panel", () => {
  test("asks for the API to be turned on before showing any settings", async () => {
    const page = await ui.open("editor-setup");
    await expect.poll(() => panel(page).textContent()).toContain("Turn on the local API");
    expect(await page.getByRole("button", { name: "Test OpenAI chat" }).count()).toBe(0);
  });

  test("shows the base URL, the key and the loaded model, each copyable", async () => {
    const page = await opened();
    expect(await page.getByTestId("editor-api-key").textContent()).toBe(KEY);
    expect(await panel(page).textContent()).toContain(MODEL);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.getByRole("button", { name: "Copy API key" }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(KEY);
  });

  test("gives Continue, Zed and OpenAI-client settings that carry this URL, key and model", async () => {
    const page = await opened();
    const tab = (name: string) => page.getByRole("tab", { name });
    // Continue: config.yaml with the OpenAI provider pointed at the local API.
    expect(await tab("Continue").getAttribute("aria-selected")).toBe("true");
    const yaml = (await config(page).locator("pre").textContent()) ?? "";
    expect(yaml).toContain("schema: v1");
    expect(yaml).toMatch(/^ {4}provider: openai$/m);
    expect(yaml).toContain(`apiBase: ${URL_}`);
    expect(yaml).toContain(`apiKey: ${KEY}`);
    expect(yaml).toContain(`model: "${MODEL}"`);
    // Zed: valid JSON, an openai_compatible provider with this model and its context size, and no key in the file.
    await tab("Zed").click();
    await expect.poll(() => config(page).getAttribute("data-editor")).toBe("zed");
    const zed = JSON.parse((await config(page).locator("pre").textContent()) ?? "") as {
      language_models: { openai_compatible: Record<string, { api_url: string; available_models: { name: string; max_tokens: number }[] }> };
    };
    const provider = Object.values(zed.language_models.openai_compatible)[0]!;
    expect(provider.api_url).toBe(URL_);
    expect(provider.available_models[0]).toMatchObject({ name: MODEL, max_tokens: 8192 });
    expect(JSON.stringify(zed)).not.toContain(KEY);
    // Any client: the variables the OpenAI SDKs read.
    await tab("Any OpenAI-compatible client").click();
    const env = (await config(page).locator("pre").textContent()) ?? "";
    expect(env).toContain(`export OPENAI_BASE_URL=${URL_}`);
    expect(env).toContain(`export OPENAI_API_KEY=${KEY}`);
    expect(env).toContain(`Authorization: Bearer ${KEY}`);
  });

  test("gives Claude Code the shell lines it reads: the API's origin, the key as a token, the model for main and side requests", async () => {
    const page = await opened();
    await page.getByRole("tab", { name: "Claude Code" }).click();
    await expect.poll(() => config(page).getAttribute("data-editor")).toBe("claude-code");
    const lines = ((await config(page).locator("pre").textContent()) ?? "").split("\n");
    // Anthropic's clients add /v1/messages themselves, so the base URL is the origin.
    expect(lines).toContain("export ANTHROPIC_BASE_URL=http://127.0.0.1:41742");
    expect(lines).toContain(`export ANTHROPIC_AUTH_TOKEN=${KEY}`);
    expect(lines).toContain(`export ANTHROPIC_MODEL='${MODEL}'`);
    expect(lines).toContain(`export ANTHROPIC_DEFAULT_HAIKU_MODEL='${MODEL}'`);
    expect(lines).toContain("claude");
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.getByRole("button", { name: "Copy Claude Code settings" }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain(`ANTHROPIC_AUTH_TOKEN=${KEY}`);
  });

  test("gives Codex a config.toml provider on the Responses wire API, pointed at this URL, with the key in its variable", async () => {
    const page = await opened();
    await page.getByRole("tab", { name: "Codex" }).click();
    await expect.poll(() => config(page).getAttribute("data-editor")).toBe("codex");
    expect(await config(page).textContent()).toContain("~/.codex/config.toml");
    const toml = (await config(page).locator("pre").textContent()) ?? "";
    expect(toml).toContain(`model = "${MODEL}"`);
    expect(toml).toContain('model_provider = "r1-local"');
    expect(toml).toMatch(
      /\[model_providers\.r1-local\]\nname = "R1 Local"\nbase_url = "http:\/\/127\.0\.0\.1:41742\/v1"\nenv_key = "R1_LOCAL_API_KEY"\nwire_api = "responses"/,
    );
    expect(toml).toContain(`export R1_LOCAL_API_KEY=${KEY}`);
  });

  test("each API shape has its own Test: Anthropic Messages asks the core for that shape and names it in the result", async () => {
    const page = await opened();
    const buttons = await page.getByRole("group", { name: "Test the API" }).getByRole("button").allTextContents();
    expect(buttons.map((text) => text.trim())).toEqual(["Test OpenAI chat", "Test Anthropic Messages", "Test Responses"]);
    await page.evaluate((model) => {
      harness.nextTest({ ok: true, status: 200, model, reply: "Ready.", reasoning: "Short.", finishReason: "end_turn", completionTokens: 9, message: null });
    }, MODEL);
    await page.getByRole("button", { name: "Test Anthropic Messages" }).click();
    await page.evaluate(() => harness.answer());
    await expect.poll(() => page.getByTestId("api-test-reply").textContent()).toBe("Ready.");
    expect(await page.getByTestId("api-test-result").textContent()).toContain(`The Anthropic Messages API works. HTTP 200 from ${MODEL}, 9 tokens`);
    await page.evaluate(() =>
      harness.nextTest({ ok: false, status: 400, model: null, reply: "", reasoning: "", finishReason: null, completionTokens: null, message: "Bad." }),
    );
    await page.getByRole("button", { name: "Test Responses" }).click();
    await page.evaluate(() => harness.answer());
    await expect.poll(() => page.getByTestId("api-test-result").textContent()).toContain("The Responses test failed (HTTP 400): Bad.");
    expect(await page.evaluate(() => harness.shapes())).toEqual(["anthropic-messages", "responses"]);
  });

  test("the editor tabs are one Tab stop and the arrow keys move between them", async () => {
    const page = await opened();
    await page.getByRole("tab", { name: "Continue" }).focus();
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => config(page).getAttribute("data-editor")).toBe("zed");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Zed");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => config(page).getAttribute("data-editor")).toBe("openai");
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => config(page).getAttribute("data-editor")).toBe("codex");
    // Tab leaves the tab list for the panel's copy button, not the next tab.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("role"))).not.toBe("tab");
  });

  test("Test sends one request, says it is waiting, then shows the model's reply", async () => {
    const page = await opened();
    await page.evaluate((model) => {
      harness.nextTest({
        ok: true,
        status: 200,
        model,
        reply: "Yes, ready to help.",
        reasoning: "Short.",
        finishReason: "stop",
        completionTokens: 21,
        message: null,
      });
    }, MODEL);
    const button = page.getByRole("button", { name: "Test OpenAI chat" });
    await button.click();
    await expect.poll(() => page.getByTestId("api-test-result").textContent()).toContain("Waiting");
    expect(await button.isDisabled()).toBe(true);
    await page.evaluate(() => harness.answer());
    await expect.poll(() => page.getByTestId("api-test-reply").textContent()).toBe("Yes, ready to help.");
    expect(await page.getByTestId("api-test-result").textContent()).toContain(`HTTP 200 from ${MODEL}, 21 tokens`);
    expect(await page.evaluate(() => harness.tests())).toBe(1);
  });

  test("a reply cut off while reasoning says so instead of showing nothing", async () => {
    const page = await opened();
    await page.evaluate(() =>
      harness.nextTest({
        ok: true,
        status: 200,
        model: "m",
        reply: "",
        reasoning: "Okay, the user asks",
        finishReason: "length",
        completionTokens: 256,
        message: null,
      }),
    );
    await page.getByRole("button", { name: "Test OpenAI chat" }).click();
    await page.evaluate(() => harness.answer());
    await expect.poll(() => page.getByTestId("api-test-result").textContent()).toContain("still reasoning");
    expect(await page.getByTestId("api-test-result").textContent()).toContain("Okay, the user asks");
  });

  test("a refusal or an error shows in words, and the button works again", async () => {
    const page = await opened();
    await page.evaluate(() =>
      harness.nextTest({
        ok: false,
        status: 503,
        model: null,
        reply: "",
        reasoning: "",
        finishReason: null,
        completionTokens: null,
        message: "No model is loaded in R1 Local.",
      }),
    );
    await page.getByRole("button", { name: "Test OpenAI chat" }).click();
    await page.evaluate(() => harness.answer());
    await expect.poll(() => page.getByTestId("api-test-result").getAttribute("data-ok")).toBe("false");
    expect(await page.getByTestId("api-test-result").textContent()).toContain("(HTTP 503): No model is loaded in R1 Local.");
    await page.evaluate(() => harness.nextTest({ error: "The local API is off. Turn it on in Settings first." }));
    await page.getByRole("button", { name: "Test OpenAI chat" }).click();
    await page.evaluate(() => harness.answer());
    await expect.poll(() => page.getByTestId("api-test-result").textContent()).toContain("The local API is off");
  });

  test.each(["light", "dark"])("its text passes WCAG AA contrast in the %s theme", async (theme) => {
    const page = await opened({ theme });
    await page.evaluate(() =>
      harness.nextTest({ ok: false, status: 401, model: null, reply: "", reasoning: "", finishReason: null, completionTokens: null, message: "Wrong key." }),
    );
    await page.getByRole("button", { name: "Test OpenAI chat" }).click();
    await page.evaluate(() => harness.answer());
    await expect.poll(() => page.getByTestId("api-test-result").getAttribute("data-ok")).toBe("false");
    for (const selector of [".muted", "dt", "pre", ".failed", '[role="tab"][aria-selected="true"]', "button.primary"]) {
      const pair = await panel(page).locator(selector).first().evaluate(textOnBackground);
      expect(contrast(pair.fg, pair.bg), `${selector} in ${theme}`).toBeGreaterThanOrEqual(4.5);
    }
  });
});
