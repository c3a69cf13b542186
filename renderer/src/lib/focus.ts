import { tick } from "svelte";

/** Focuses the element `selector` finds once the page shows the change just made (a view switched, a list redrawn). */
export async function focusWhenShown(selector: string): Promise<void> {
  await tick();
  document.querySelector<HTMLElement>(selector)?.focus();
}

/** The chat's message box (Composer.svelte), focused after New chat. */
export const MESSAGE_BOX = 'textarea[aria-label="Message"]';
