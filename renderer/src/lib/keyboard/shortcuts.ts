export type ShortcutId = "new-chat" | "focus-search" | "stop" | "regenerate" | "help";

export interface Shortcut {
  id: ShortcutId;
  /** Keys as the help sheet shows them; "Mod" is ⌘ on a Mac and Ctrl elsewhere. */
  keys: string[];
  does: string;
}

/**
 * The app's shortcuts. Chosen not to collide with the browser's own (serve mode runs in a tab, where
 * Ctrl+N, Ctrl+T, Ctrl+R and Ctrl+Shift+R cannot be taken over).
 */
export const SHORTCUTS: Shortcut[] = [
  { id: "new-chat", keys: ["Mod", "Shift", "O"], does: "New chat" },
  { id: "focus-search", keys: ["Mod", "K"], does: "Search conversations" },
  { id: "stop", keys: ["Esc"], does: "Stop generating" },
  { id: "regenerate", keys: ["Mod", "Shift", "Enter"], does: "Regenerate the last answer" },
  { id: "help", keys: ["?"], does: "Show these shortcuts (also Mod + /)" },
];

export const isMac = (platform = navigator.platform) => /mac|iphone|ipad/i.test(platform);

/** "Mod" as this machine writes it. */
export function keyLabel(key: string, mac = isMac()): string {
  return key === "Mod" ? (mac ? "⌘" : "Ctrl") : key;
}

/** Where typing happens: "?" there is a character, not a shortcut. */
function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
}

/**
 * Which shortcut a key press is, if any. Escape only counts outside fields that give Escape a
 * meaning of their own (an input being renamed, a search box it clears); the message box is not one.
 */
export function shortcutOf(e: KeyboardEvent, mac = isMac()): ShortcutId | undefined {
  if (e.defaultPrevented || e.isComposing) return undefined;
  const mod = mac ? e.metaKey : e.ctrlKey;
  const key = e.key.toLowerCase();
  if (mod && e.shiftKey && key === "o") return "new-chat";
  if (mod && !e.shiftKey && key === "k") return "focus-search";
  if (mod && e.shiftKey && key === "enter") return "regenerate";
  if (mod && key === "/") return "help";
  if (e.key === "?" && !mod && !typingIn(e.target)) return "help";
  if (e.key === "Escape" && !mod) {
    const el = e.target as HTMLElement | null;
    if (el && ["INPUT", "SELECT"].includes(el.tagName)) return undefined;
    return "stop";
  }
  return undefined;
}
