/**
 * A stream of text with its leading and trailing whitespace left out, as it arrives: leading
 * whitespace is dropped, trailing whitespace is held back until more text follows it.
 */
export class TrimmedStream {
  private started = false;
  private heldWhitespace = "";

  push(text: string): string {
    let out = this.heldWhitespace + text;
    if (!this.started) {
      out = out.replace(/^\s+/, "");
      if (!out) {
        this.heldWhitespace = "";
        return "";
      }
      this.started = true;
    }
    const trailing = /\s+$/.exec(out)?.[0] ?? "";
    this.heldWhitespace = trailing;
    return out.slice(0, out.length - trailing.length);
  }
}
