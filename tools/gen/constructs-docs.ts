/**
 * The props reference, docs/constructs.md, generated from the TSDoc of the constructs' props (constructs/*.ts
 * and the lib/model types they use) and of the rules across resources in lib/rules.ts, with the TypeScript
 * compiler (a development-time step): `npm run gen` writes it; a test fails while it is stale.
 * A public prop without TSDoc, or an optional one without `@default`, stops the generator.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as TS from 'typescript';
import { KIND_NAMES, type Kind } from '../../lib/model/kinds';
import { generatedBy } from './banner';
import { docParts } from './model-docs';

const ROOT = resolve(__dirname, '..', '..', '..');

/** The committed reference. */
export const CONSTRUCTS_DOCS_FILE = join(ROOT, 'docs', 'constructs.md');

/** One row of a props table. */
interface PropRow {
  path: string;
  type: string;
  required: string;
  default: string;
  description: string;
}

/** A rule across resources: its TSDoc summary, the kinds it reads and the fields it reports on (`n` for an index). */
interface RuleDoc {
  summary: string;
  kinds: Kind[];
  /** The kinds whose resources it reports on (`ofKind`, `usedOnce`), when it names them. */
  subjects: Kind[];
  fields: string[];
}

function loadTypeScript(): typeof TS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('typescript') as typeof TS;
}

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\|/g, '\\|');
}

/** A value or type in a cell, as code (backticks inside are dropped: a table cell's code span cannot hold them). */
function code(text: string): string {
  return `\`${cell(text).replace(/`/g, '')}\``;
}

class PropsReader {
  constructor(
    private readonly ts: typeof TS,
    private readonly checker: TS.TypeChecker,
  ) {}

  /** The object types a prop's value has (its union members that are plain objects, or an array's elements'). */
  private objectParts(type: TS.Type): { parts: TS.Type[]; array: boolean } {
    const { ts, checker } = this;
    const value = checker.getNonNullableType(type);
    const array = checker.isArrayType(value);
    const element = array ? checker.getTypeArguments(value as TS.TypeReference)[0]! : value;
    const members = element.isUnion() ? element.types : [element];
    // A construct or a reference to one (`ILoadBalancer`: it has a `node`) is named, not expanded.
    const isPlainObject = (member: TS.Type): boolean =>
      (member.flags & ts.TypeFlags.Object) !== 0 &&
      !checker.isArrayType(member) &&
      !(member.getSymbol() && (member.getSymbol()!.flags & ts.SymbolFlags.Class) !== 0) &&
      member.getProperty('node') === undefined;
    return { parts: members.every(isPlainObject) ? members : [], array };
  }

  private typeText(type: TS.Type): string {
    const { parts, array } = this.objectParts(type);
    if (parts.length > 0) return array ? 'object[]' : 'object';
    return this.checker.typeToString(this.checker.getNonNullableType(type));
  }

  /** The rows of every prop of `type`, nested props as `parent.child` (`parent[].child` in lists). */
  rows(type: TS.Type, prefix: string, where: string, oneOf = false): PropRow[] {
    const { ts, checker } = this;
    return checker.getPropertiesOfType(type).flatMap((property) => {
      const path = `${prefix}${property.name}`;
      const declaration = property.declarations?.[0];
      const doc = declaration && docParts(ts, declaration);
      if (!doc || doc.summary === '') throw new Error(`${where}: ${path}: no TSDoc`);
      const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
      if (optional && doc.default === undefined)
        throw new Error(`${where}: ${path}: optional, but its TSDoc has no @default`);
      const propertyType = checker.getTypeOfSymbol(property);
      const row: PropRow = {
        path,
        type: this.typeText(propertyType),
        required: optional ? 'optional' : oneOf ? 'required in its form' : 'required',
        default: doc.default ?? '',
        description: doc.summary,
      };
      const { parts, array } = this.objectParts(propertyType);
      const inner = `${path}${array ? '[]' : ''}.`;
      const seen = new Set<string>();
      const nested = parts
        .flatMap((part) => this.rows(part, inner, where, parts.length > 1))
        .filter((item) => !seen.has(item.path) && seen.add(item.path));
      return [row, ...nested];
    });
  }
}

/**
 * The rules across resources of lib/rules.ts, read from the sources: each `const` of the `RULES` list, and of a
 * list it spreads (`...URL_MAP_RULES`) from another of the `sources`.
 */
function readRules(ts: typeof TS, sources: TS.SourceFile[]): RuleDoc[] {
  const declarations = new Map<string, TS.VariableDeclaration>();
  for (const source of sources) {
    source.forEachChild((statement) => {
      if (!ts.isVariableStatement(statement)) return;
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name)) declarations.set(declaration.name.text, declaration);
      }
    });
  }
  const elementsOf = (name: string): TS.Expression[] => {
    const list = declarations.get(name)?.initializer;
    if (!list || !ts.isArrayLiteralExpression(list)) throw new Error(`lib/rules.ts: no ${name} list`);
    return list.elements.flatMap((element) =>
      ts.isSpreadElement(element) ? elementsOf(element.expression.getText()) : [element],
    );
  };
  return elementsOf('RULES').map((element) => {
    const name = element.getText();
    const declaration = declarations.get(name);
    const summary = declaration && docParts(ts, declaration)?.summary;
    if (!declaration || !summary) throw new Error(`lib/rules.ts: ${name}: no TSDoc`);
    const kinds = new Set<Kind>();
    const subjects = new Set<Kind>();
    const fields = new Set<string>();
    const visit = (node: TS.Node): void => {
      if (
        ts.isStringLiteral(node) &&
        (KIND_NAMES as readonly string[]).includes(node.text) &&
        ts.isCallExpression(node.parent)
      ) {
        kinds.add(node.text as Kind);
        const callee = node.parent.expression;
        const called = ts.isPropertyAccessExpression(callee) ? callee.name.text : callee.getText();
        if (called === 'ofKind' || called === 'usedOnce') subjects.add(node.text as Kind);
      }
      if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === 'field') {
        const value = node.initializer;
        if (ts.isStringLiteral(value)) fields.add(value.text);
        else if (ts.isTemplateExpression(value))
          fields.add(value.head.text + value.templateSpans.map((span) => `n${span.literal.text}`).join(''));
      }
      node.forEachChild(visit);
    };
    visit(declaration);
    return {
      summary,
      kinds: kinds.size > 0 ? [...kinds] : [...KIND_NAMES],
      subjects: [...subjects],
      fields: [...fields],
    };
  });
}

/** Where a rule's errors appear: ` (errors on Listener \`port\`)`, or nothing when it names no field. */
function reportedOn({ subjects, fields }: RuleDoc): string {
  if (fields.length === 0) return '';
  return ` (errors on ${subjects.length === 1 ? `${subjects[0]} ` : ''}${fields
    .map((field) => `\`${field}\``)
    .join(', ')})`;
}

/** How each construct is made: its constructor's `props` parameter, and the `LoadBalancer.add…` shortcut. */
const SHORTCUTS: Partial<Record<Kind, string>> = {
  ServerGroup: '`lb.addServerGroup(id, props)` takes the same props without `loadBalancer`.',
  BackendService: '`lb.addBackendService(id, props)` takes the same props without `loadBalancer`.',
  UrlMap:
    "`lb.addUrlMap(id, props)` takes the same props without `loadBalancer`; `listener.addRule(rule)` adds to the listener's url map, creating one for it.",
  Listener:
    '`lb.addListener(id, props)` takes the same props without `loadBalancer`; `lb.addRedirect()` adds an HTTP listener redirecting to HTTPS.',
};

function constructSection(
  ts: typeof TS,
  checker: TS.TypeChecker,
  exported: Map<string, TS.Symbol>,
  kind: Kind,
  rules: RuleDoc[],
): string[] {
  const resolveAlias = (symbol: TS.Symbol): TS.Symbol =>
    (symbol.flags & ts.SymbolFlags.Alias) !== 0 ? checker.getAliasedSymbol(symbol) : symbol;
  const construct = exported.get(kind);
  const props = exported.get(`${kind}Props`);
  if (!construct || !props) throw new Error(`constructs: no ${kind} or ${kind}Props export`);
  const classSymbol = resolveAlias(construct);
  const classDoc = classSymbol.valueDeclaration && docParts(ts, classSymbol.valueDeclaration);
  if (!classDoc) throw new Error(`constructs: ${kind}: no TSDoc`);
  const constructor = (classSymbol.valueDeclaration as TS.ClassDeclaration).members.find(ts.isConstructorDeclaration);
  const propsParameter = constructor?.parameters.find((parameter) => parameter.name.getText() === 'props');
  const optional =
    propsParameter !== undefined &&
    (propsParameter.questionToken !== undefined || propsParameter.initializer !== undefined);
  const rows = new PropsReader(ts, checker).rows(
    checker.getDeclaredTypeOfSymbol(resolveAlias(props)),
    '',
    `${kind}Props`,
  );
  const applying = rules.filter((rule) => rule.kinds.includes(kind));
  return [
    `## ${kind}`,
    '',
    classDoc.summary,
    '',
    `\`new ${kind}(scope, id, props${optional ? '?' : ''})\` with \`${kind}Props\`.${
      SHORTCUTS[kind] ? ` ${SHORTCUTS[kind]}` : ''
    }`,
    '',
    '| Prop | Type | Required | Default | Description |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${code(row.path)} | ${code(row.type)} | ${row.required} | ${row.default ? cell(row.default) : '—'} | ${cell(
          row.description,
        )} |`,
    ),
    '',
    'Rules across resources that read it (checked at synth, each error naming the construct path and field):',
    '',
    ...applying.map((rule) => `- ${rule.summary}${reportedOn(rule)}`),
    '',
  ];
}

/** The reference's text. */
export function constructsDocsText(): string {
  const ts = loadTypeScript();
  const entry = join(ROOT, 'constructs', 'index.ts');
  const rulesFiles = [join(ROOT, 'lib', 'rules.ts'), join(ROOT, 'lib', 'url-map-rules.ts')];
  const program = ts.createProgram([entry, ...rulesFiles], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const exported = new Map(checker.getExportsOfModule(moduleSymbol).map((symbol) => [symbol.name, symbol]));
  const rules = readRules(
    ts,
    rulesFiles.map((file) => program.getSourceFile(file)!),
  );
  return [
    `<!-- ${generatedBy(
      'tools/gen/constructs-docs.ts',
    )}; from the TSDoc of constructs/*.ts, lib/model and lib/rules.ts -->`,
    '',
    '# Constructs reference',
    '',
    'Every construct of `albkit` with its props: type, whether it is required, its default and what it means.',
    'Nested props read `parent.child` (`parent[].child` for each element of a list). A prop wrong on its own and',
    'the rules across resources are all reported at synth, together, each with the construct path and field.',
    'The same fields, in snake_case, are the attributes of the Terraform provider ([terraform.md](terraform.md)) and',
    'the arguments of the Pulumi resources ([pulumi.md](pulumi.md)), which take ids where constructs take constructs.',
    '',
    'A prop that takes a resource is typed by its kind (`ILoadBalancer`, `IBackendService`, …): a construct of that',
    'kind, or a reference to one made elsewhere, `X.fromResourceId(scope, id, resourceId)`. A reference synthesizes',
    'no resource (the manifest lists it under `external`; the agent checks at deploy that it exists), and the rules',
    "below that read the referenced resource's spec are skipped for it: its VPC, zones, protocol and load balancer",
    'are not known at synth.',
    '',
    ...KIND_NAMES.flatMap((kind) => constructSection(ts, checker, exported, kind, rules)),
  ].join('\n');
}

/** Writes docs/constructs.md. */
export function writeConstructsDocs(): void {
  writeFileSync(CONSTRUCTS_DOCS_FILE, constructsDocsText());
}
