// ESLint rule: imports must follow the design's layering table (ARCHITECTURE.md, "Folders").
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

/** Each layer: which project folders it may import from, and which packages. */
export const LAYERS = {
  "electron/shared": { folders: ["electron/shared"], packages: ["zod"] },
  "electron/core": { folders: ["electron/shared", "electron/core"], packages: ["*"], forbiddenPackages: ["electron"] },
  "electron/engine": { folders: ["electron/shared", "electron/engine"], packages: ["node-llama-cpp", "zod"] },
  "electron/main": { folders: ["electron/shared", "electron/core", "electron/main"], packages: ["*"], forbiddenPackages: ["node-llama-cpp"] },
  "electron/preload": { folders: ["electron/shared", "electron/preload"], packages: ["electron", "zod"] },
  renderer: { folders: ["electron/shared", "renderer"], packages: ["*"], forbiddenPackages: ["electron", "node-llama-cpp", "ws"], noNodeBuiltins: true },
};

/** The layer a file belongs to, judged by its path relative to the project root (or to `layerRoot`). */
export function layerOf(file, layerRoot = root) {
  const rel = path.relative(layerRoot, file).split(path.sep).join("/");
  return Object.keys(LAYERS).find((layer) => rel === layer || rel.startsWith(layer + "/"));
}

export function checkImport(fromFile, specifier, layerRoot = root) {
  const layer = layerOf(fromFile, layerRoot);
  if (!layer) return undefined;
  const rules = LAYERS[layer];
  if (specifier.startsWith(".") || specifier.startsWith("/")) {
    const target = path.resolve(path.dirname(fromFile), specifier);
    const targetLayer = layerOf(target, layerRoot);
    if (!targetLayer) return `${layer} may not import ${specifier} (outside the app's layers)`;
    if (!rules.folders.includes(targetLayer)) return `${layer} may not import from ${targetLayer}`;
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
  meta: { type: "problem", docs: { description: "Enforce the R1 Local process and layer boundaries" }, schema: [{ type: "object", properties: { root: { type: "string" } }, additionalProperties: false }] },
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
