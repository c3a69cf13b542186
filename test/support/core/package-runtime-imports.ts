// Which exports of a package a source file uses at run time: type-only imports are erased by the
// compiler and load nothing, so they are left out; a dynamic import whose use cannot be read is
// reported as "?" rather than guessed.
import ts from "typescript";

/** The first export reached through a dynamic `import(pkg)`, when the code's shape says which. */
function namesFromDynamicImport(call: ts.CallExpression): string[] {
  const parent = call.parent;
  // import(pkg).then((m) => m.name)
  if (ts.isPropertyAccessExpression(parent) && parent.name.text === "then" && ts.isCallExpression(parent.parent)) {
    const callback = parent.parent.arguments[0];
    if (callback && ts.isArrowFunction(callback) && ts.isPropertyAccessExpression(callback.body)) {
      const param = callback.parameters[0]?.name;
      const target = callback.body.expression;
      if (param && ts.isIdentifier(param) && ts.isIdentifier(target) && target.text === param.text) return [callback.body.name.text];
    }
    return ["?"];
  }
  if (ts.isAwaitExpression(parent)) {
    const outer = parent.parent;
    // (await import(pkg)).name
    if (ts.isParenthesizedExpression(outer) && ts.isPropertyAccessExpression(outer.parent)) return [outer.parent.name.text];
    // const { a, b: c } = await import(pkg)
    if (ts.isVariableDeclaration(outer) && ts.isObjectBindingPattern(outer.name)) {
      return outer.name.elements.map((element) => (element.propertyName ?? element.name).getText());
    }
  }
  return ["?"];
}

/** Runtime uses of `pkg` in one source file: each with its line and the export names it reaches. */
export function runtimeImportsOf(source: string, fileName: string, pkg: string): { line: number; names: string[] }[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const uses: { line: number; names: string[] }[] = [];
  const lineOf = (node: ts.Node) => file.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  const isPkg = (node: ts.Node | undefined) => node !== undefined && ts.isStringLiteral(node) && (node.text === pkg || node.text.startsWith(`${pkg}/`));

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && isPkg(node.moduleSpecifier)) {
      const clause = node.importClause;
      if (!clause) uses.push({ line: lineOf(node), names: ["(side effects)"] });
      else if (!clause.isTypeOnly) {
        const names: string[] = [];
        if (clause.name) names.push("default");
        const bindings = clause.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) names.push("*");
        if (bindings && ts.isNamedImports(bindings)) {
          for (const element of bindings.elements) if (!element.isTypeOnly) names.push((element.propertyName ?? element.name).text);
        }
        if (names.length > 0) uses.push({ line: lineOf(node), names });
      }
    } else if (ts.isExportDeclaration(node) && isPkg(node.moduleSpecifier) && !node.isTypeOnly) {
      const clause = node.exportClause;
      const names = clause && ts.isNamedExports(clause) ? clause.elements.filter((e) => !e.isTypeOnly).map((e) => (e.propertyName ?? e.name).text) : ["*"];
      if (names.length > 0) uses.push({ line: lineOf(node), names });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && isPkg(node.arguments[0])) {
      uses.push({ line: lineOf(node), names: namesFromDynamicImport(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return uses;
}
