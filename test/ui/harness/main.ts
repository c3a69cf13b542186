import "katex/dist/katex.min.css";
import "../../../renderer/src/app.css";

// Each fixture mounts real renderer components with a stand-in for the core (the gateway), and
// exposes `window.harness` so a test in Node can drive it through Chromium.
const fixtures: Record<string, () => Promise<{ mountFixture: (target: HTMLElement) => unknown }>> = {
  reasoning: () => import("./fixtures/reasoning.svelte.js"),
  composer: () => import("./fixtures/composer.svelte.js"),
  attachments: () => import("./fixtures/attachments.svelte.js"),
  "trace-export": () => import("./fixtures/trace-export.svelte.js"),
  "answer-code": () => import("./fixtures/answer-code.svelte.js"),
  "fit-badge": () => import("./fixtures/fit-badge.svelte.js"),
  "reasoning-room": () => import("./fixtures/reasoning-room.svelte.js"),
  downloads: () => import("./fixtures/downloads.svelte.js"),
  streaming: () => import("./fixtures/streaming.svelte.js"),
  markdown: () => import("./fixtures/markdown.svelte.js"),
  settings: () => import("./fixtures/settings.svelte.js"),
  "first-run": () => import("./fixtures/first-run.svelte.js"),
  notices: () => import("./fixtures/notices.svelte.js"),
  remote: () => import("./fixtures/remote.svelte.js"),
  picker: () => import("./fixtures/picker.svelte.js"),
  "editor-setup": () => import("./fixtures/editor-setup.svelte.js"),
  daily: () => import("./fixtures/daily.svelte.js"),
  "user-message": () => import("./fixtures/user-message.svelte.js"),
  library: () => import("./fixtures/library.svelte.js"),
};

const params = new URLSearchParams(location.search);
const name = params.get("fixture") ?? "";
const theme = params.get("theme");
if (theme) document.documentElement.dataset.theme = theme;
const load = fixtures[name];
if (!load) throw new Error(`Unknown fixture "${name}"`);
const harness = (await load()).mountFixture(document.getElementById("app")!);
Object.assign(window, { harness, harnessReady: true });
