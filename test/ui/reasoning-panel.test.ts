import { describe, expect, test } from "vitest";
import { ReasoningPanel } from "../../renderer/src/lib/state/reasoning-panel.svelte.js";

describe("reasoning panel state", () => {
  test("open while thinking, collapsed when the answer starts", () => {
    const panel = new ReasoningPanel();
    expect(panel.expanded).toBe(true);
    panel.answerStarted();
    expect(panel).toMatchObject({ phase: "answering", expanded: false });
  });

  test("pinned stays open through the answer and the end", () => {
    const panel = new ReasoningPanel();
    panel.togglePin();
    panel.answerStarted();
    panel.finished();
    expect(panel).toMatchObject({ phase: "done", expanded: true, pinned: true });
  });

  test("follows the tail only while the reader is at the bottom", () => {
    const panel = new ReasoningPanel();
    panel.scrolled(400);
    expect(panel.followTail).toBe(false);
    panel.scrolled(3);
    expect(panel.followTail).toBe(true);
  });

  test("a stored trace starts collapsed; closing unpins", () => {
    const panel = new ReasoningPanel("done");
    expect(panel.expanded).toBe(false);
    panel.togglePin();
    expect(panel.expanded).toBe(true);
    panel.toggle();
    expect(panel).toMatchObject({ expanded: false, pinned: false });
  });
});
