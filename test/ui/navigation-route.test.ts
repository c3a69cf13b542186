import { describe, expect, test } from "vitest";
import { Navigation } from "../../renderer/src/lib/state/navigation.svelte.js";
import { formatRoute, memoryLocation, parseRoute, type RouteLocation } from "../../renderer/src/lib/state/route.js";

/** A location that records each write and lets the test play Back (an outside change). */
function recordedLocation(initial = ""): RouteLocation & { writes: Array<[string, boolean]>; goTo(hash: string): void } {
  let hash = initial;
  let listener = () => {};
  const writes: Array<[string, boolean]> = [];
  return {
    writes,
    read: () => hash,
    write: (next, push) => void writes.push([(hash = next), push]),
    onChange: (l) => ((listener = l), () => {}),
    goTo: (next) => {
      hash = next;
      listener();
    },
  };
}

describe("navigation keeps the view and the conversation in the address", () => {
  test("routes read and write both parts; an unknown hash is no route", () => {
    expect(parseRoute("#/models/abc")).toEqual({ view: "models", conversation: "abc" });
    expect(parseRoute("#/chat")).toEqual({ view: "chat", conversation: undefined });
    expect(parseRoute("")).toBeUndefined();
    expect(parseRoute("#/nowhere")).toBeUndefined();
    expect(formatRoute({ view: "chat", conversation: "a b" })).toBe("#/chat/a%20b");
    expect(parseRoute(formatRoute({ view: "settings", conversation: "a/b" }))).toEqual({ view: "settings", conversation: "a/b" });
  });

  test("a reload opens the view and conversation the address names", () => {
    const navigation = new Navigation(memoryLocation("#/settings/c7"));
    expect(navigation.view).toBe("settings");
    expect(navigation.conversation).toBe("c7");
    const fresh = new Navigation(memoryLocation(""));
    expect([fresh.view, fresh.conversation]).toEqual(["chat", undefined]);
  });

  test("the person's moves are steps Back returns from; the app's own choices replace the current step", () => {
    const location = recordedLocation();
    const navigation = new Navigation(location);
    navigation.show("models");
    navigation.openChat("c1");
    navigation.note("c2");
    expect(location.writes).toEqual([
      ["#/models", true],
      ["#/chat/c1", true],
      ["#/chat/c2", false],
    ]);
    const followed: string[] = [];
    navigation.follow((route) => followed.push(formatRoute(route)));
    location.goTo("#/models/c1");
    expect(navigation.view).toBe("models");
    expect(followed).toEqual(["#/models/c1"]);
  });
});
