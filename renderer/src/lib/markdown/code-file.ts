/** File extensions for the languages models label code blocks with most often (the label as written, lower-cased). */
const EXTENSIONS: Record<string, string> = {
  bash: "sh",
  c: "c",
  cpp: "cpp",
  "c++": "cpp",
  csharp: "cs",
  cs: "cs",
  css: "css",
  go: "go",
  html: "html",
  java: "java",
  javascript: "js",
  js: "js",
  json: "json",
  jsx: "jsx",
  kotlin: "kt",
  latex: "tex",
  lua: "lua",
  markdown: "md",
  md: "md",
  php: "php",
  python: "py",
  py: "py",
  ruby: "rb",
  rust: "rs",
  rs: "rs",
  scala: "scala",
  sh: "sh",
  shell: "sh",
  sql: "sql",
  swift: "swift",
  tex: "tex",
  toml: "toml",
  ts: "ts",
  tsx: "tsx",
  typescript: "ts",
  xml: "xml",
  yaml: "yaml",
  yml: "yml",
  zsh: "sh",
};

/** A file name for a code block: "snippet.py" for a python block, "snippet.txt" when the language is unknown. */
export function codeFileName(language: string | null | undefined): string {
  const lang = (language ?? "").trim().toLowerCase();
  return `snippet.${EXTENSIONS[lang] ?? (/^[a-z0-9]{1,8}$/.test(lang) ? lang : "txt")}`;
}
