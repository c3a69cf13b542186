/**
 * Splits a text file into passages by its structure, each with its 1-based line span: Markdown by
 * headings (a long section by paragraphs), code by line windows that prefer to break before a
 * top-level declaration (overlapping only where no such break is found), plain text by paragraphs.
 */
export interface Chunk {
  startLine: number;
  endLine: number;
  /** The Markdown heading path ("Setup > Linux"), when the file has headings. */
  heading?: string;
  text: string;
}

/** About 300–400 tokens of prose: small enough that several fit beside a question. */
export const MAX_CHUNK_CHARS = 1500;
const CODE_WINDOW_LINES = 60;
const CODE_MIN_LINES = 30;
const CODE_OVERLAP_LINES = 10;

const MARKDOWN_EXTENSIONS = new Set(["md", "markdown", "mdx", "rst"]);
const PLAIN_TEXT_EXTENSIONS = new Set(["txt", "text", "log", ""]);

export type ChunkKind = "markdown" | "code" | "text";

export function chunkKindOf(fileName: string): ChunkKind {
  const dot = fileName.lastIndexOf(".");
  const ext = dot > 0 ? fileName.slice(dot + 1).toLowerCase() : "";
  if (MARKDOWN_EXTENSIONS.has(ext)) return "markdown";
  if (PLAIN_TEXT_EXTENSIONS.has(ext)) return "text";
  return "code";
}

export function chunkFile(fileName: string, text: string): Chunk[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  if (lines.at(-1) === "") lines.pop();
  const kind = chunkKindOf(fileName);
  const chunks = kind === "markdown" ? markdownChunks(lines) : kind === "code" ? codeChunks(lines) : paragraphChunks(lines, 0, lines.length);
  return chunks.filter((chunk) => chunk.text.trim().length > 0);
}

interface Block {
  start: number; // 0-based, inclusive
  end: number; // 0-based, exclusive
}

/** Blank-line separated runs of lines in [from, to). */
function paragraphs(lines: string[], from: number, to: number): Block[] {
  const blocks: Block[] = [];
  let start = -1;
  for (let i = from; i < to; i++) {
    const blank = lines[i]!.trim() === "";
    if (!blank && start < 0) start = i;
    if (blank && start >= 0) {
      blocks.push({ start, end: i });
      start = -1;
    }
  }
  if (start >= 0) blocks.push({ start, end: to });
  return blocks;
}

function blockChars(lines: string[], block: Block): number {
  let chars = 0;
  for (let i = block.start; i < block.end; i++) chars += lines[i]!.length + 1;
  return chars;
}

/** A paragraph longer than the limit is cut by lines, so no passage is unbounded. */
function splitLong(lines: string[], block: Block): Block[] {
  if (blockChars(lines, block) <= MAX_CHUNK_CHARS) return [block];
  const pieces: Block[] = [];
  let start = block.start;
  let chars = 0;
  for (let i = block.start; i < block.end; i++) {
    chars += lines[i]!.length + 1;
    if (chars >= MAX_CHUNK_CHARS || i === block.end - 1) {
      pieces.push({ start, end: i + 1 });
      start = i + 1;
      chars = 0;
    }
  }
  return pieces;
}

/** Neighbouring paragraphs grouped up to the size limit. */
function paragraphChunks(lines: string[], from: number, to: number, heading?: string): Chunk[] {
  const chunks: Chunk[] = [];
  let group: Block | null = null;
  let groupChars = 0;
  const flush = () => {
    if (group) chunks.push(toChunk(lines, group, heading));
    group = null;
    groupChars = 0;
  };
  for (const paragraph of paragraphs(lines, from, to).flatMap((block) => splitLong(lines, block))) {
    const chars = blockChars(lines, paragraph);
    if (group && groupChars + chars > MAX_CHUNK_CHARS) flush();
    group = group ? { start: group.start, end: paragraph.end } : paragraph;
    groupChars += chars;
  }
  flush();
  return chunks;
}

function toChunk(lines: string[], block: Block, heading?: string): Chunk {
  const text = lines.slice(block.start, block.end).join("\n");
  return { startLine: block.start + 1, endLine: block.end, ...(heading ? { heading } : {}), text };
}

const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;
const FENCE = /^\s*(```|~~~)/;

function markdownChunks(lines: string[]): Chunk[] {
  const sections: { start: number; heading?: string }[] = [{ start: 0 }];
  const path: string[] = [];
  let inFence = false;
  lines.forEach((line, i) => {
    if (FENCE.test(line)) inFence = !inFence;
    const match = inFence ? null : HEADING.exec(line);
    if (!match) return;
    const level = match[1]!.length;
    path.length = Math.min(path.length, level - 1);
    path[level - 1] = match[2]!;
    sections.push({ start: i, heading: path.filter(Boolean).join(" > ") });
  });
  return sections.flatMap((section, n) => {
    const end = sections[n + 1]?.start ?? lines.length;
    return paragraphChunks(lines, section.start, end, section.heading);
  });
}

/** A line that starts a top-level declaration in most languages: not indented, begins with a keyword. */
const TOP_LEVEL =
  /^(export\s|async\s|function\s|class\s|def\s|fn\s|pub\s|func\s|interface\s|type\s|const\s|let\s|var\s|struct\s|impl\s|enum\s|module\s|package\s|public\s|private\s|static\s|@)/;

function codeChunks(lines: string[]): Chunk[] {
  const chunks: Chunk[] = [];
  let start = 0;
  while (start < lines.length) {
    let end = Math.min(start + CODE_WINDOW_LINES, lines.length);
    let overlap = 0;
    if (end < lines.length) {
      const boundary = lastDeclarationStart(lines, start + CODE_MIN_LINES, end);
      if (boundary > 0) end = boundary;
      else overlap = CODE_OVERLAP_LINES;
    }
    const chunk = toChunk(lines, { start, end });
    // A window cut by size alone may still be longer than a prose passage; its lines are kept whole.
    chunks.push(chunk);
    if (end >= lines.length) break;
    start = end - overlap;
  }
  return chunks;
}

function lastDeclarationStart(lines: string[], from: number, to: number): number {
  for (let i = to; i >= from; i--) if (TOP_LEVEL.test(lines[i] ?? "")) return i;
  return -1;
}
