/**
 * Splits a growing Markdown text into blocks that will not change any more and a tail that still
 * may. A block ends at a blank line outside a code fence or a display-math block, so each completed
 * block is parsed once and only the tail is re-rendered as tokens arrive.
 */
export class BlockSplitter {
  private text = "";
  /** Where the tail starts: everything before it was handed out as finished blocks. */
  private committed = 0;
  /** Where scanning resumes: the start of the first line not yet scanned. */
  private scanned = 0;
  private fence: string | undefined;
  private inDisplayMath: "$$" | "\\]" | undefined;

  /** Appends text; returns the blocks it completed (may be none). */
  push(chunk: string): string[] {
    this.text += chunk;
    const done: string[] = [];
    let lineEnd: number;
    while ((lineEnd = this.text.indexOf("\n", this.scanned)) >= 0) {
      const line = this.text.slice(this.scanned, lineEnd);
      this.scanned = lineEnd + 1;
      this.track(line);
      if (line.trim() === "" && !this.fence && !this.inDisplayMath) {
        const block = this.text.slice(this.committed, lineEnd);
        if (block.trim()) done.push(block);
        this.committed = this.scanned;
      }
    }
    return done;
  }

  get tail(): string {
    return this.text.slice(this.committed);
  }

  get fullText(): string {
    return this.text;
  }

  private track(line: string): void {
    const trimmed = line.trimStart();
    if (this.fence) {
      if (trimmed.startsWith(this.fence) && trimmed.slice(this.fence.length).trim() === "") this.fence = undefined;
      return;
    }
    const fenceOpen = /^(`{3,}|~{3,})/.exec(trimmed);
    if (fenceOpen) {
      this.fence = fenceOpen[1];
      return;
    }
    if (this.inDisplayMath) {
      if (trimmed.includes(this.inDisplayMath)) this.inDisplayMath = undefined;
      return;
    }
    if (trimmed.startsWith("$$") && !trimmed.slice(2).includes("$$")) this.inDisplayMath = "$$";
    else if (trimmed.startsWith("\\[") && !trimmed.includes("\\]")) this.inDisplayMath = "\\]";
  }
}
