import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import ts from "typescript";

/**
 * Every symbol exported from index.ts, and every public member of exported classes and interfaces, must
 * carry a TSDoc comment: the API reference is generated from them.
 */
function undocumentedExports(entry: string): string[] {
  const program = ts.createProgram([entry], { strict: true, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const missing: string[] = [];
  const hasDocs = (symbol: ts.Symbol) => symbol.getDocumentationComment(checker).length > 0 || symbol.getJsDocTags(checker).length > 0;
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!hasDocs(symbol)) missing.push(exported.name);
    if (!(symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface))) continue;
    for (const member of symbol.members ? [...symbol.members.values()] : []) {
      const declaration = member.declarations?.[0];
      if (!declaration || member.name.startsWith("_") || member.name.startsWith("#") || member.name === "__constructor") continue;
      const modifiers = ts.getCombinedModifierFlags(declaration as ts.Declaration);
      if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      if (ts.isPrivateIdentifier((declaration as ts.NamedDeclaration).name as ts.Node)) continue;
      if (!hasDocs(member)) missing.push(`${exported.name}.${member.name}`);
    }
  }
  return missing;
}

describe("public API documentation", () => {
  it("every export of the SDK has TSDoc", () => {
    const entry = fileURLToPath(new URL("./index.ts", import.meta.url));
    assert.deepEqual(undocumentedExports(entry), []);
  });
});
