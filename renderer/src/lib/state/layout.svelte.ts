/** Below this width the sidebar folds away and opens over the page. */
export const NARROW_PX = 900;

/** The window's shape: whether the sidebar is folded away, open over the page, and the shortcuts sheet. */
export class Layout {
  #narrow = $state(false);
  #sidebarOpen = $state(false);
  #helpOpen = $state(false);

  get narrow(): boolean {
    return this.#narrow;
  }

  /** Whether the keyboard shortcuts sheet is open. */
  get helpOpen(): boolean {
    return this.#helpOpen;
  }

  /** Where the sidebar shows: always in a wide window; in a narrow one only when opened. */
  get sidebarShown(): boolean {
    return !this.#narrow || this.#sidebarOpen;
  }

  get sidebarOpen(): boolean {
    return this.#narrow && this.#sidebarOpen;
  }

  /** Follows the window's width; returns the stop function. */
  watch(media: MediaQueryList = matchMedia(`(max-width: ${NARROW_PX - 0.02}px)`)): () => void {
    const update = () => {
      this.#narrow = media.matches;
      if (!media.matches) this.#sidebarOpen = false;
    };
    update();
    media.addEventListener("change", update);
    return () => media.removeEventListener("change", update);
  }

  openSidebar(): void {
    this.#sidebarOpen = true;
  }

  closeSidebar(): void {
    this.#sidebarOpen = false;
  }

  openHelp(): void {
    this.#helpOpen = true;
  }

  closeHelp(): void {
    this.#helpOpen = false;
  }
}

export const layout = new Layout();
