// `npm run analyze` (custom-elements-manifest analyze --litelement) and scripts/check-manifest.mjs
// read this file. The manifest is generated from src/ — class JSDoc tags (@summary, @tag, @slot,
// @fires, @csspart, @cssprop) plus Lit properties — and committed as custom-elements.json.
import { dirname, posix } from 'node:path';

/**
 * Fills in what the analyzer cannot see in this kit's conventions:
 *  - elements are registered through the guarded `define('darkswap-x', Class)`, not
 *    `customElements.define`: emit the `custom-element-definition` export of each define file;
 *  - events are typed classes with `static readonly type = 'darkswap-x'` dispatched as
 *    `dispatchEvent(new DarkswapXEvent(...))`: the analyzer records those without a name, next to the
 *    `@fires darkswap-x` JSDoc entry without a type. Merge them into one named, typed event.
 */
function darkswapConventions() {
  const eventNames = new Map(); // event class name → its fixed event type string
  const definitions = []; // { modulePath, tag, name: class name, module: class module path }

  const resolveImport = (ts, sourceFile, identifier, modulePath) => {
    for (const statement of sourceFile.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const bindings = statement.importClause?.namedBindings;
      if (!bindings || !ts.isNamedImports(bindings)) continue;
      const hit = bindings.elements.find((e) => e.name.text === identifier);
      if (!hit) continue;
      const spec = statement.moduleSpecifier.text;
      if (!spec.startsWith('.')) return undefined;
      return { name: (hit.propertyName ?? hit.name).text, module: posix.join(dirname(modulePath), spec).replace(/\.js$/, '.ts') };
    }
    // Declared in the same module.
    return { name: identifier, module: modulePath };
  };

  const classOfEvent = (name) => [...eventNames].find(([, n]) => n === name)?.[0];

  /** One entry per event name; an event class's own type string beats the analyzer's guess. */
  const mergeEvents = (events) => {
    const merged = [];
    for (const event of events) {
      const className = event.type?.text;
      const name = (className && eventNames.get(className)) ?? event.name;
      const existing = name ? merged.find((e) => e.name === name) : undefined;
      if (existing) {
        existing.description ??= event.description;
        existing.type ??= event.type;
        continue;
      }
      const type = event.type ?? (name && classOfEvent(name) ? { text: classOfEvent(name) } : undefined);
      const { name: _name, type: _type, ...rest } = event;
      merged.push({ ...(name ? { name } : {}), ...(type ? { type } : {}), ...rest });
    }
    return merged;
  };

  return {
    name: 'darkswap-conventions',
    analyzePhase({ ts, node, moduleDoc }) {
      if (ts.isClassDeclaration(node) && node.name) {
        for (const member of node.members) {
          // `constructor(...) { super('name', ...) }`: an event class with a fixed type.
          if (ts.isConstructorDeclaration(member) && member.body) {
            for (const statement of member.body.statements) {
              const call = ts.isExpressionStatement(statement) ? statement.expression : undefined;
              if (
                call &&
                ts.isCallExpression(call) &&
                call.expression.kind === ts.SyntaxKind.SuperKeyword &&
                call.arguments[0] &&
                ts.isStringLiteral(call.arguments[0])
              ) {
                eventNames.set(node.name.text, call.arguments[0].text);
              }
            }
          }
          const isStatic = member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
          if (
            isStatic &&
            ts.isPropertyDeclaration(member) &&
            ts.isIdentifier(member.name) &&
            member.name.text === 'type' &&
            member.initializer &&
            ts.isStringLiteral(member.initializer)
          ) {
            eventNames.set(node.name.text, member.initializer.text);
          }
        }
      }
      if (
        ts.isCallExpression(node) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'define' &&
        node.arguments.length === 2 &&
        ts.isStringLiteral(node.arguments[0]) &&
        ts.isIdentifier(node.arguments[1])
      ) {
        const target = resolveImport(ts, node.getSourceFile(), node.arguments[1].text, moduleDoc.path);
        if (target) definitions.push({ modulePath: moduleDoc.path, tag: node.arguments[0].text, ...target });
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      // The analyzer's glob returns files in whatever order the file system answers: sort, so the
      // committed manifest and a fresh one (check:manifest) compare equal.
      customElementsManifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      const modules = new Map(customElementsManifest.modules.map((m) => [m.path, m]));
      for (const { modulePath, tag, name, module } of definitions) {
        const moduleDoc = modules.get(modulePath);
        if (!moduleDoc) continue;
        moduleDoc.exports ??= [];
        if (moduleDoc.exports.some((e) => e.kind === 'custom-element-definition' && e.name === tag)) continue;
        moduleDoc.exports.push({ kind: 'custom-element-definition', name: tag, declaration: { name, module } });
      }
      for (const moduleDoc of customElementsManifest.modules) {
        for (const declaration of moduleDoc.declarations ?? []) {
          if (declaration.events) declaration.events = mergeEvents(declaration.events);
        }
      }
    },
  };
}

export default {
  // Elements and what they are built from; the framework-free libraries (src/core, src/bitcoin) and
  // pure widget models are documented in the README and their .d.ts files instead.
  globs: ['src/*.ts', 'src/context/**/*.ts', 'src/internal/**/*.ts', 'src/components/*/*.ts'],
  exclude: [
    'src/**/*.test.ts',
    'src/components/*/*.view.ts',
    'src/components/*/*.view-controller.ts',
    'src/components/*/*.render.ts',
    'src/components/*/*.keyboard.ts',
    'src/components/*/*.form.ts',
  ],
  outdir: '.',
  litelement: true,
  // package.json already has "customElements": "custom-elements.json"; never rewrite it (the
  // manifest check writes into a temporary directory).
  packagejson: false,
  dependencies: false,
  plugins: [darkswapConventions()],
};
