// ESLint rule: imports must follow the design's layering table (ARCHITECTURE.md, "Folders").
import path from "node:path";
import { RENDERER_ALIASES } from "../renderer-alias.js";

const root = path.resolve(import.meta.dirname, "../..");

/** Each layer: which project folders it may import from, and which packages. */
export const LAYERS = {
  "electron/shared": { folders: ["electron/shared"], packages: ["zod"] },
  "electron/core": { folders: ["electron/shared", "electron/core"], packages: ["*"], forbiddenPackages: ["electron", "node-llama-cpp"] },
  "electron/engine": { folders: ["electron/shared", "electron/engine"], packages: ["node-llama-cpp", "zod"] },
  "electron/main": { folders: ["electron/shared", "electron/core", "electron/main"], packages: ["*"], forbiddenPackages: ["node-llama-cpp"] },
  "electron/preload": { folders: ["electron/shared", "electron/preload"], packages: ["electron", "zod"] },
  renderer: { folders: ["electron/shared", "renderer"], packages: ["*"], forbiddenPackages: ["electron", "node-llama-cpp", "ws"], noNodeBuiltins: true },
};

/**
 * Tiers inside the app core (ARCHITECTURE.md, "Inside the core"). The bottom tier imports only
 * itself; each capability imports the bottom tier and the capabilities it declares here; the
 * composition tier imports anything in the core. Type-only imports count: a type is a dependency.
 */
export const CORE_TIERS = {
  bottom: ["kernel", "gguf", "generation"],
  composition: "composition",
  capabilities: {
    settings: [],
    store: [],
    hub: [],
    hardware: [],
    "saved-context": [],
    "local-engine": ["settings", "saved-context"],
    library: [],
    transport: [],
    catalog: ["settings", "hub"],
    fit: ["catalog", "hardware", "library"],
    downloads: ["settings", "library", "catalog", "hub"],
    chat: ["settings"],
    api: ["settings"],
    app: ["hardware"],
    remote: ["catalog"],
    updates: ["settings"],
    collections: [],
  },
};

/**
 * Imports no declaration may allow: chat, the local API and the remote engine generate through the
 * generation interface (core/generation), never through the local engine behind it.
 */
export const CORE_NEVER = {
  chat: ["local-engine"],
  api: ["local-engine"],
  remote: ["local-engine"],
};

/** A chain of declared capability dependencies that comes back to where it started (["a", "b", "a"]), or null. */
export function findTierCycle(capabilities = CORE_TIERS.capabilities) {
  const done = new Set();
  const visit = (name, trail) => {
    if (trail.includes(name)) return [...trail.slice(trail.indexOf(name)), name];
    if (done.has(name)) return null;
    for (const next of capabilities[name] ?? []) {
      const cycle = visit(next, [...trail, name]);
      if (cycle) return cycle;
    }
    done.add(name);
    return null;
  };
  for (const name of Object.keys(capabilities)) {
    const cycle = visit(name, []);
    if (cycle) return cycle;
  }
  return null;
}

/** The core folder a path is in ("kernel", "catalog", …), "" for a file at the core's root. */
function coreFolderOf(file, layerRoot) {
  const rel = path.relative(path.join(layerRoot, "electron/core"), file).split(path.sep);
  return rel.length > 1 ? rel[0] : "";
}

function tierOf(folder) {
  if (CORE_TIERS.bottom.includes(folder)) return "bottom";
  if (folder === CORE_TIERS.composition) return "composition";
  if (Object.hasOwn(CORE_TIERS.capabilities, folder)) return "capability";
  return undefined;
}

/** An import from one core file to another, judged by the tiers; undefined when it is allowed. */
export function checkCoreImport(fromFile, target, layerRoot = root) {
  const from = coreFolderOf(fromFile, layerRoot);
  const to = coreFolderOf(target, layerRoot);
  const fromTier = tierOf(from);
  if (!fromTier)
    return from
      ? `electron/core/${from} is in no tier: add it to CORE_TIERS in build/lint/layering.js`
      : "files at the root of electron/core belong in a tier folder";
  const toTier = tierOf(to);
  if (!toTier) return `electron/core/${to || "(root)"} is in no tier`;
  if (from === to || fromTier === "composition") return undefined;
  if (fromTier === "bottom")
    return toTier === "bottom"
      ? undefined
      : `the core's bottom tier (${from}) may not import ${toTier === "composition" ? "the composition tier" : `the ${to} capability`}`;
  if (toTier === "bottom") return undefined;
  if (toTier === "composition") return `the ${from} capability may not import the composition tier`;
  if (CORE_NEVER[from]?.includes(to)) return `the ${from} capability may never import ${to}: it generates through the interface in core/generation`;
  const declared = CORE_TIERS.capabilities[from];
  return declared.includes(to) ? undefined : `the ${from} capability may not import ${to} (its declared dependencies: ${declared.join(", ") || "none"})`;
}

/** The layer a file belongs to, judged by its path relative to the project root (or to `layerRoot`). */
export function layerOf(file, layerRoot = root) {
  const rel = path.relative(layerRoot, file).split(path.sep).join("/");
  return Object.keys(LAYERS).find((layer) => rel === layer || rel.startsWith(layer + "/"));
}

/** The renderer alias a specifier starts with ("$shared" for "$shared/contract/chat.js"), if any. */
function aliasOf(specifier) {
  return Object.keys(RENDERER_ALIASES).find((alias) => specifier === alias || specifier.startsWith(alias + "/"));
}

export function checkImport(fromFile, specifier, layerRoot = root) {
  const layer = layerOf(fromFile, layerRoot);
  if (!layer) return undefined;
  const rules = LAYERS[layer];
  // An alias is judged by the folder it resolves to, like a relative path; only the renderer's build knows it.
  const alias = aliasOf(specifier);
  if (alias && layer !== "renderer") return `${layer} may not use the renderer's ${alias} alias`;
  if (alias || specifier.startsWith(".") || specifier.startsWith("/")) {
    const target = alias ? path.join(layerRoot, RENDERER_ALIASES[alias], specifier.slice(alias.length)) : path.resolve(path.dirname(fromFile), specifier);
    const targetLayer = layerOf(target, layerRoot);
    if (!targetLayer) return `${layer} may not import ${specifier} (outside the app's layers)`;
    if (!rules.folders.includes(targetLayer)) return `${layer} may not import from ${targetLayer}`;
    if (layer === "electron/core" && targetLayer === "electron/core") return checkCoreImport(fromFile, target, layerRoot);
    return undefined;
  }
  const isBuiltin = specifier.startsWith("node:");
  if (isBuiltin) return rules.noNodeBuiltins ? `${layer} runs without Node and may not import ${specifier}` : undefined;
  const pkg = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0];
  if (rules.forbiddenPackages?.includes(pkg)) return `${layer} may not import the package "${pkg}"`;
  if (rules.packages.includes("*") || rules.packages.includes(pkg)) return undefined;
  return `${layer} may only import packages ${rules.packages.join(", ")}, not "${pkg}"`;
}

/** @type {import("eslint").Rule.RuleModule} */
export const layeringRule = {
  meta: {
    type: "problem",
    docs: { description: "Enforce the R1 Local process and layer boundaries" },
    schema: [{ type: "object", properties: { root: { type: "string" } }, additionalProperties: false }],
  },
  create(context) {
    const layerRoot = context.options[0]?.root ? path.resolve(context.options[0].root) : root;
    const check = (node, source) => {
      if (!source || typeof source.value !== "string") return;
      const problem = checkImport(context.filename, source.value, layerRoot);
      if (problem) context.report({ node, message: `Layering: ${problem}.` });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
    };
  },
};

export default { rules: { layering: layeringRule } };
