import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import type { Discovery } from "../../renderer/src/lib/state/downloads.svelte.js";
import type { LoadRequest } from "../../renderer/src/lib/state/engine.svelte.js";
import { useHarness } from "./support/harness-page.js";

declare const harness: {
  loads(): LoadRequest[];
  imports(): string[];
  progress(fraction: number): void;
  finishLoad(): void;
  setDiscovery(next: Discovery): void;
};

// The fixture (fixtures/library.svelte.ts): the whole app, no model loaded, a catalog download and an imported GGUF in the library.
const ui = useHarness();
const GB = 1024 ** 3;
const IMPORTED = "/home/me/gguf/my-own-r1.Q5_K_M.gguf";

async function library(): Promise<Page> {
  const page = await ui.open("library");
  await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Downloads" }).click();
  await expect.poll(() => page.getByTestId("library-row").count()).toBe(2);
  return page;
}
const row = (page: Page, name: string) => page.getByTestId("library-row").filter({ hasText: name });
const bannerName = (page: Page) => page.getByTestId("loaded-model-name").textContent();

/** The colour var(--warn-fg) (the error colour) resolves to on this page. */
const errorColour = (page: Page) =>
  page.evaluate(() => {
    const probe = document.body.appendChild(document.createElement("p"));
    probe.style.color = "var(--warn-fg)";
    const colour = getComputedStyle(probe).color;
    probe.remove();
    return colour;
  });

describe("library", () => {
  test("an imported GGUF loads from its row: busy while loading, then Loaded with Unload, named by its file in the banner", async () => {
    const page = await library();
    const imported = row(page, "my-own-r1");
    await imported.getByRole("button", { name: "Load my-own-r1" }).click();
    await expect.poll(() => page.evaluate(() => harness.loads())).toEqual([{ path: IMPORTED }]);
    const busy = imported.getByRole("button", { name: "Loading…" });
    await expect.poll(() => busy.isDisabled()).toBe(true);
    expect(await imported.getByRole("button", { name: "Delete my-own-r1…" }).count()).toBe(1);

    await page.evaluate(() => harness.finishLoad());
    await expect.poll(() => imported.getByTestId("file-loaded").textContent()).toBe("Loaded");
    expect(await imported.getByRole("button", { name: /^Load/ }).count()).toBe(0);
    expect(await imported.getAttribute("data-loaded")).toBe("true");
    // The engine reports the GGUF's internal name; people know the file by its name.
    expect(await bannerName(page)).toBe("my-own-r1.Q5_K_M.gguf");
    // The other row still offers Load.
    expect(await row(page, "R1 Distill Qwen 1.5B Q4_K_M").getByRole("button", { name: "Load R1 Distill Qwen 1.5B Q4_K_M" }).count()).toBe(1);

    await imported.getByRole("button", { name: "Unload my-own-r1" }).click();
    await expect.poll(() => imported.getByRole("button", { name: "Load my-own-r1" }).count()).toBe(1);
  });

  test("a catalog download loads as its variant, and the banner shows its catalog name, not the GGUF's", async () => {
    const page = await library();
    await row(page, "R1 Distill Qwen 1.5B Q4_K_M").getByRole("button", { name: "Load R1 Distill Qwen 1.5B Q4_K_M" }).click();
    await expect.poll(() => page.evaluate(() => harness.loads())).toEqual([{ path: "/data/models/q4.gguf", variantId: "r1-qwen-1.5b-q4" }]);
    await page.evaluate(() => harness.finishLoad());
    await expect.poll(() => bannerName(page)).toBe("R1 Distill Qwen 1.5B Q4_K_M");
  });

  test("the empty chat points to the Library and Models, not only Models", async () => {
    const page = await ui.open("library");
    const reason = page.getByTestId("composer-reason");
    await expect.poll(() => reason.textContent()).toContain("Load one from your Library (in Downloads), or download one in Models");
    expect(await reason.textContent()).not.toContain("Choose one in Models");
  });

  test("while a model loads, the chat's line says so and is not styled as an error", async () => {
    const page = await ui.open("library");
    const reason = page.getByTestId("composer-reason");
    await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Downloads" }).click();
    await row(page, "my-own-r1").getByRole("button", { name: "Load my-own-r1" }).click();
    await page.evaluate(() => harness.progress(0.4));
    await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Chat" }).click();
    await expect.poll(() => reason.textContent()).toBe("Loading my-own-r1.Q5_K_M.gguf… 40%");
    expect(await reason.evaluate((el) => getComputedStyle(el).color)).not.toBe(await errorColour(page));
  });

  test("'Find models from other apps' lists each find with Load and Add to Library", async () => {
    const page = await library();
    const path = "/home/me/.cache/huggingface/hub/models--org--r1-GGUF/snapshots/abc/r1-distill-q8_0.gguf";
    await page.evaluate(
      ({ path, size }) =>
        harness.setDiscovery({
          found: [{ path, files: [path], name: "r1-distill-q8_0", sizeBytes: size, quantization: "Q8_0", tool: "huggingface", inLibrary: false }],
          searched: [{ tool: "huggingface", dir: "/home/me/.cache/huggingface/hub" }],
        }),
      { path, size: 2 * GB },
    );
    await page.getByRole("button", { name: "Find models from other apps" }).click();
    const found = page.getByTestId("found-models").getByRole("listitem");
    await expect.poll(() => found.count()).toBe(1);
    expect(await found.textContent()).toContain("Hugging Face cache");

    await found.getByRole("button", { name: "Add r1-distill-q8_0 to the library" }).click();
    await expect.poll(() => page.evaluate(() => harness.imports())).toEqual([path]);
    await expect.poll(() => found.textContent()).toContain("In your library");
    await expect.poll(() => page.getByTestId("library-row").count()).toBe(3);

    await found.getByRole("button", { name: "Load r1-distill-q8_0" }).click();
    await expect.poll(() => page.evaluate(() => harness.loads())).toEqual([{ path }]);
    await page.evaluate(() => harness.finishLoad());
    await expect.poll(() => found.getByTestId("file-loaded").count()).toBe(1);
    expect(await bannerName(page)).toBe("r1-distill-q8_0.gguf");
  });

  test("when nothing is found it says so and names every folder it looked in", async () => {
    const page = await library();
    await page.evaluate(() =>
      harness.setDiscovery({
        found: [],
        searched: [
          { tool: "lm-studio", dir: "/home/me/.lmstudio/models" },
          { tool: "huggingface", dir: "/home/me/.cache/huggingface/hub" },
          { tool: "llama.cpp", dir: "/home/me/.cache/llama.cpp" },
        ],
      }),
    );
    await page.getByRole("button", { name: "Find models from other apps" }).click();
    const none = page.getByTestId("found-none");
    await expect.poll(() => none.textContent()).toContain("No GGUF models found");
    const text = await none.textContent();
    for (const where of ["LM Studio: /home/me/.lmstudio/models", "Hugging Face cache: /home/me/.cache/huggingface/hub", "llama.cpp: /home/me/.cache/llama.cpp"])
      expect(text).toContain(where);
  });
});
