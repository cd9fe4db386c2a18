// The bundle gate: walks a built bundle with a real JavaScript parser (espree,
// through ESLint's Linter and the same espruino plugin as the editor linter)
// and reports everything outside Espruino's subset, mapped back to app/ sources
// when a source map is given. No I/O: callers read the files.

import path from "node:path";
import { Linter } from "eslint";
import { SourceMapConsumer } from "source-map-js";
import espruinoPlugin, { espruinoRules } from "./eslint-plugin.ts";
import type { Severity } from "./catalogue.ts";

export interface Problem {
  /** 1-based line in the bundle. */
  line: number;
  /** 1-based column in the bundle. */
  column: number;
  message: string;
  /** The sub-rule that fired (a key of SUBSET_RULES in catalogue.ts), or "parse" when the bundle is not valid JavaScript. */
  rule: string;
  severity: Severity;
  /** Where the code came from, when a source map knows (1-based line and column). */
  source?: { file: string; line: number; column: number };
}

export interface CheckOptions {
  /** Path of the bundle; source map entries are resolved against its folder. */
  filename?: string;
  /** The bundle's source map (JSON text), e.g. esbuild's app.js.map. */
  sourceMap?: string;
  /** Source files are reported relative to this folder (default: the current directory). */
  cwd?: string;
}

const bundleConfig: Linter.Config[] = [
  {
    files: ["**/*.js"],
    languageOptions: { ecmaVersion: "latest", sourceType: "script" },
    // A comment in the bundle must not be able to switch the gate off.
    linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "off" },
    plugins: { espruino: espruinoPlugin },
    rules: espruinoRules,
  },
];

/** Checks a bundle against the Espruino subset. Problems come sorted by position. */
export function checkBundle(code: string, options: CheckOptions = {}): Problem[] {
  const linter = new Linter({ configType: "flat" });
  const messages = linter.verify(code, bundleConfig, { filename: "bundle.js" })
    // Drop ESLint's notes about inline config comments, which the gate ignores.
    .filter((message) => message.fatal === true || message.ruleId !== null);
  const problems: Problem[] = messages.map((message) => ({
    line: message.line,
    column: message.column,
    message: message.fatal ? `the bundle is not valid JavaScript: ${message.message}` : message.message,
    rule: message.fatal ? "parse" : (message.messageId ?? message.ruleId ?? "unknown"),
    severity: message.severity === 1 ? "warning" : "error",
  }));
  if (options.sourceMap !== undefined) mapToSources(problems, options);
  return problems;
}

function mapToSources(problems: Problem[], options: CheckOptions): void {
  const map = new SourceMapConsumer(JSON.parse(options.sourceMap as string));
  const bundleDir = options.filename ? path.dirname(path.resolve(options.cwd ?? ".", options.filename)) : undefined;
  const cwd = path.resolve(options.cwd ?? ".");
  for (const problem of problems) {
    const generated = { line: problem.line, column: problem.column - 1 };
    let original = map.originalPositionFor({ ...generated, bias: SourceMapConsumer.GREATEST_LOWER_BOUND });
    if (original.source === null) {
      original = map.originalPositionFor({ ...generated, bias: SourceMapConsumer.LEAST_UPPER_BOUND });
    }
    if (original.source === null || original.line === null) continue;
    problem.source = {
      file: sourceFile(original.source, bundleDir, cwd),
      line: original.line,
      column: (original.column ?? 0) + 1,
    };
  }
}

/** Source paths in a map are relative to the map's folder; show them relative to the working folder. */
function sourceFile(source: string, bundleDir: string | undefined, cwd: string): string {
  // A URL or an esbuild plugin namespace ("app-config:app-config") is not a path.
  if (bundleDir === undefined || /^[a-z][a-z0-9+.-]*:/i.test(source)) return source;
  return path.relative(cwd, path.resolve(bundleDir, source)).split(path.sep).join("/");
}

/** One line per problem: `dist/app.js:1:2345 (app/check.ts:40:7): message`. */
export function formatProblems(problems: readonly Problem[], bundlePath: string): string {
  return problems
    .map((problem) => {
      const where = `${bundlePath}:${problem.line}:${problem.column}`;
      const from = problem.source ? ` (${problem.source.file}:${problem.source.line}:${problem.source.column})` : "";
      const level = problem.severity === "warning" ? "warning: " : "";
      return `${where}${from}: ${level}${problem.message}`;
    })
    .join("\n");
}
