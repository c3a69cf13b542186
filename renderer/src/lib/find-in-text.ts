/** Marks every match of `query` under `root` with the CSS Custom Highlight API (no DOM changes). */
export function highlightMatches(root: HTMLElement, query: string, name = "find-in-trace"): Range[] {
  const registry = typeof CSS !== "undefined" && "highlights" in CSS ? CSS.highlights : undefined;
  registry?.delete(name);
  const needle = query.toLowerCase();
  if (!needle) return [];
  const ranges: Range[] = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent?.toLowerCase() ?? "";
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + needle.length);
      ranges.push(range);
    }
  }
  if (registry && ranges.length) registry.set(name, new Highlight(...ranges));
  return ranges;
}

export function clearHighlights(name = "find-in-trace"): void {
  if (typeof CSS !== "undefined" && "highlights" in CSS) CSS.highlights.delete(name);
}
