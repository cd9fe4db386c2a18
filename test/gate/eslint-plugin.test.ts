import assert from "node:assert/strict";
import path from "node:path";
import { ESLint, Linter } from "eslint";
import tseslint from "typescript-eslint";
import espruino, { espruinoRules } from "../../scripts/gate/eslint-plugin.ts";
import { ALLOWED_JS, FORBIDDEN_CASES, WARNING_CASES } from "./cases.ts";
import { REPO_ROOT as repoRoot } from "../../scripts/lib/paths.ts";


/** Lints TypeScript source the way app/ is linted: typescript-eslint's parser, ES module. */
function lintTs(code: string): Linter.LintMessage[] {
  const linter = new Linter({ configType: "flat" });
  return linter.verify(
    code,
    [
      {
        files: ["**/*.ts"],
        languageOptions: { parser: tseslint.parser, sourceType: "module" },
        plugins: { espruino },
        rules: espruinoRules,
      },
    ],
    { filename: "app/sample.ts" },
  );
}

function describeMessages(messages: Linter.LintMessage[]): string {
  return messages.map((m) => `${m.line}:${m.column} [${m.ruleId}/${m.messageId}] ${m.message}`).join("\n") || "(none)";
}

describe("eslint plugin: espruino/subset on TypeScript source", () => {
  describe("flags every construct outside the subset", () => {
    for (const item of FORBIDDEN_CASES) {
      it(item.name, () => {
        const messages = lintTs(item.code);
        assert.equal(messages.length, 1, `expected one message, got:\n${describeMessages(messages)}`);
        const [message] = messages;
        assert.equal(message.ruleId, "espruino/subset");
        assert.equal(message.severity, 2);
        assert.equal(message.messageId, item.rule);
        assert.equal(message.line, item.line);
        if (item.column !== undefined) assert.equal(message.column, item.column);
        assert.match(message.message, item.message);
      });
    }
  });

  describe("warns under espruino/subset-warnings about name-matched doubts", () => {
    for (const item of WARNING_CASES) {
      it(item.name, () => {
        const messages = lintTs(item.code);
        assert.equal(messages.length, 1, `expected one message, got:\n${describeMessages(messages)}`);
        const [message] = messages;
        assert.equal(message.ruleId, "espruino/subset-warnings");
        assert.equal(message.severity, 1);
        assert.equal(message.messageId, item.rule);
        assert.equal(message.line, item.line);
        if (item.column !== undefined) assert.equal(message.column, item.column);
        assert.match(message.message, item.message);
      });
    }
  });

  describe("flags TypeScript-shaped uses", () => {
    const cases: Array<[string, string, string, number]> = [
      ["typed parameter destructuring", "export function f({ a }: { a: number }): number {\n  return a;\n}", "destructuring", 1],
      ["parameter property with a default", "class A {\n  constructor(private x: number = 1) {}\n}", "default-parameter", 2],
      ["typed rest parameter", "export function f(...rest: string[]): number {\n  return rest.length;\n}", "rest-parameter", 1],
      ["top-level await", "declare function run(): Promise<void>;\nawait run();", "async", 2],
      ["for await", "for await (const x of list) {\n  use(x);\n}", "async", 1],
      ["generic Map", "const m = new Map<string, number>();", "absent-global", 1],
      ["Error subclass with a field", 'export class Failure extends Error {\n  code = "X";\n}', "error-subclass", 1],
      ["optional chain after a non-null assertion", "const n = o!.a?.b;", "optional-chaining", 1],
      ["satisfies with a spread", "const c = { ...base } satisfies object;", "spread", 1],
      ["an exported function called before its declaration", "run();\nexport function run(): void {}", "hoisting", 1],
      ["an export default function called before its declaration", "main();\nexport default function main(): void {}", "hoisting", 1],
      ["an exported class constructed before its declaration", "const made = new Made();\nexport class Made {}", "hoisting", 1],
      [
        "an object of handlers built before the handlers (the parser the lead found on a board)",
        "export function createParser(): { push(s: string): void } {\n  const parser = { push: push };\n  function push(s: string): void {\n    parser.push(s);\n  }\n  return parser;\n}",
        "hoisting",
        2,
      ],
      ["a typed closure over a for...of variable", "export function sizes(items: { size: number }[]): Array<() => number> {\n  const out: Array<() => number> = [];\n  for (const item of items) out.push((): number => item.size);\n  return out;\n}", "loop-closure", 3],
      ["Array.prototype.slice with a type argument", "export const copy = (a: ArrayLike<number>): number[] => Array.prototype.slice.call<ArrayLike<number>, [], number[]>(a);", "prototype-method", 1],
      ["a generic absent method", "export const flat = (a: number[][]): number[] => a.flat<number[][], 1>();", "absent-method", 1],
      ["indexOf on a cast receiver", "export const at = (s: unknown): number => (s as string).indexOf(\"\\r\\n\");", "multichar-needle", 1],
      ["includes on a non-null receiver", "export const has = (s?: string): boolean => s!.includes(\"ab\");", "multichar-needle", 1],
      ["split with a typed result", "export const parts = (s: string): string[] => s.split(\", \");", "multichar-needle", 1],
      ["a typed arrow ending in a bare return", "export const f = (g: number): void => {\n  if (g) return\n};", "bare-return-before-brace", 2],
      ["a typed method ending in a bare return", "export class A {\n  m(g: number): void {\n    if (g) g++;\n    else return\n  }\n}", "bare-return-before-brace", 4],
    ];
    for (const [name, code, rule, line] of cases) {
      it(name, () => {
        const messages = lintTs(code);
        assert.deepEqual(
          messages.map((m) => [m.messageId, m.line]),
          [[rule, line]],
          describeMessages(messages),
        );
      });
    }
  });

  it("leaves `return;`, a needle in a variable, a 1-character needle and an array literal's search alone", () => {
    const code = [
      "export function f(s: string, needle: string): number {",
      "  if (!s) return;",
      "  if (s.indexOf(needle) >= 0 || s.includes(\"\\n\") || [\"GET\", \"HEAD\"].includes(\"GET\")) return 1;",
      "  return s.lastIndexOf(\"ab\") + s.split(/\\r\\n/).length;",
      "}",
    ].join("\n");
    const messages = lintTs(code);
    assert.deepEqual(messages, [], describeMessages(messages));
  });

  it("accepts everything in the language doc's What works list", () => {
    const messages = lintTs(ALLOWED_JS);
    assert.deepEqual(messages, [], describeMessages(messages));
  });

  it("ignores what only the type checker sees: types, declarations, overloads", () => {
    const code = [
      "interface Options { url: string; retries?: number }",
      "type Handler = (...args: unknown[]) => void;",
      "declare function external({ a }: { a: number }, ...rest: string[]): void;",
      "declare const cache: Map<string, string>;",
      "let store: Map<string, Set<number>> | undefined;",
      "let ctor: typeof WeakMap | undefined;",
      "export enum Level { Low = 1, High = 2 }",
      "export abstract class Shape {",
      "  abstract area(): number;",
      "  private label: string;",
      "  declare readonly kind: string;",
      "  constructor(private readonly options: Options) {",
      "    this.label = options.url;",
      "  }",
      "  get url(): string { return this.options.url + this.label; }",
      "  static create(url: string): Options { return { url }; }",
      "}",
      "export function overload(a: string): string;",
      "export function overload(a: number): number;",
      "export function overload(a: unknown): unknown { return a; }",
      "export function first<T>(list: T[]): T | undefined { return list.find((x) => x !== undefined); }",
      "const value: unknown = 1;",
      "export const n = (value as number) + (store ? 1 : 0) + (ctor ? 1 : 0);",
      "export const h: Handler = () => undefined;",
      "export const retries = (cache.size as number) ?? 1;",
    ].join("\n");
    const messages = lintTs(code);
    assert.deepEqual(messages, [], describeMessages(messages));
  });

  it("leaves uses that run after a declaration, or only name it for the type checker", () => {
    const code = [
      "let handler: typeof run | undefined;", // a type: erased
      "export { run };", // a binding, not evaluated where it is written
      "declare function external(): number;",
      "export const e = external();", // ambient: no declaration to wait for
      "export function overload(a: string): string;",
      "export function overload(a: number): number;",
      "export function overload(a: unknown): unknown { return a; }",
      "export const o = overload(1);",
      "export function run(): void { handler = run; }",
      "export const later = (): void => run();", // a nested function: runs when called
      "for (const item of [1, 2]) {",
      "  const copy: number = item;",
      "  handler = (): void => { void copy; };",
      "  type Item = typeof item;", // a type: erased
      "  const t: Item = item;",
      "  void t;",
      "}",
    ].join("\n");
    const messages = lintTs(code);
    assert.deepEqual(messages, [], describeMessages(messages));
  });

  it("warns about 'use strict' under espruino/no-use-strict", () => {
    const messages = lintTs('"use strict";\nexport const x = 1;');
    assert.deepEqual(
      messages.map((m) => [m.ruleId, m.severity, m.line]),
      [["espruino/no-use-strict", 1, 1]],
    );
  });
});

describe("eslint plugin: the repository configuration (eslint.config.ts)", function () {
  this.timeout(60000);
  let eslint: ESLint;

  before(() => {
    eslint = new ESLint({ cwd: repoRoot });
  });

  async function lint(relativePath: string, code: string): Promise<Linter.LintMessage[]> {
    const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, relativePath) });
    return result.messages;
  }

  it("applies the subset and no-explicit-any to app/", async () => {
    const messages = await lint("app/__gate_probe__.ts", "export function f(o: any): number {\n  const { a } = o;\n  return a;\n}\n");
    assert.deepEqual(
      messages.map((m) => [m.ruleId, m.line]),
      [
        ["@typescript-eslint/no-explicit-any", 1],
        ["espruino/subset", 2],
      ],
    );
  });

  it("finds nothing outside the subset in app/ (the device sources)", async () => {
    const results = await eslint.lintFiles([path.join(repoRoot, "app")]);
    assert.ok(results.length >= 5, `only ${results.length} files linted`);
    const subset = results.flatMap((result) =>
      result.messages
        .filter((m) => m.fatal === true || (m.ruleId ?? "").startsWith("espruino/"))
        .map((m) => `${path.relative(repoRoot, result.filePath)}:${m.line}:${m.column} [${m.ruleId}] ${m.message}`),
    );
    assert.deepEqual(subset, []);
  });

  it("leaves host code in scripts/ and test/ free to use modern JavaScript", async () => {
    const code = "export async function f(o: { a?: { b: number } }): Promise<number> {\n  const { a } = o;\n  return new Map([[1, a?.b ?? 0]]).size;\n}\n";
    assert.deepEqual(await lint("scripts/__gate_probe__.ts", code), []);
    assert.deepEqual(await lint("test/__gate_probe__.test.ts", code), []);
  });

  it("ignores build output and firmware", async () => {
    assert.equal(await eslint.isPathIgnored(path.join(repoRoot, "dist/app.js")), true);
    assert.equal(await eslint.isPathIgnored(path.join(repoRoot, "firmware/tls/hooks.c")), true);
    assert.equal(await eslint.isPathIgnored(path.join(repoRoot, ".dev-pki/ca.pem")), true);
  });
});
