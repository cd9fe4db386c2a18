// Bundles app/ into one script for the Espruino interpreter, with the
// configuration embedded as a module ("app-config").
import * as esbuild from "esbuild";
import * as espree from "espree";
import path from "node:path";
import { SourceMapConsumer, SourceMapGenerator } from "source-map-js";
import type { AppConfig } from "../../app/config.ts";
import { checkBundle, type Problem } from "../gate/gate.ts";
import { embeddedConfig } from "./embed.ts";
import { REPO_ROOT } from "../lib/paths.ts";

export interface Bundle {
  /** The script to upload. */
  code: string;
  /**
   * Its source map (JSON), for pointing gate problems at app/ sources. It
   * holds app/'s sources but not the embedded configuration's: that has the
   * Wi-Fi password and the private key, which only the bundle may carry.
   */
  map: string;
  bytes: number;
  /** What the subset gate found; a bundle with an "error" problem must not reach a board. */
  problems: Problem[];
}

/** The size the default bundle (one pinned root CA, no Wi-Fi) stays within. */
export const SIZE_BUDGET = 10 * 1024;
/** What configuring an MQTT broker may add to it (the publisher, its packets, the broker's settings). */
export const BROKER_SIZE_BUDGET = 2.5 * 1024;

/** True when the gate found something that would break on the interpreter. */
export function rejected(bundle: Bundle): boolean {
  return bundle.problems.some((problem) => problem.severity === "error");
}

/**
 * esbuild leaves the free `require` alone only in CommonJS output; other
 * formats swap it for a shim built on Proxy, which Espruino lacks. So the
 * bundle is built as CommonJS and wrapped here in a function scope, so that
 * minified names cannot overwrite Espruino globals such as `E`.
 */
const PREFIX = "(function(){";
/**
 * Property names of the app's own objects that the minifier may shorten.
 * Never an Espruino API name (on, write, end, code, message, memory, ...),
 * a howsmyssl JSON key or a RESULT key (url, ms, firmware, ...): those must
 * reach the interpreter and the output unchanged. The bundle tests run the
 * mangled bundle end to end.
 */
export const MANGLED_PROPERTIES =
  /^(sampleMemory|memoryPeak|onUncaught|parseUrl|decode|version|socketError|uncaught|thrown|received|problem|response|finish|certVerified|memPeak|report|failure|deadlineMs|bodyCap|wifiTimeoutMs|wifiAttempts|ntpServer|builtAt|probe|delivery|hello|keepAlive|everyMs)$/;
const SUFFIX = "})();\n";

export async function buildBundle(config: AppConfig): Promise<Bundle> {
  const result = await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, "app", "index.ts")],
    bundle: true,
    write: false,
    minify: true,
    format: "cjs",
    platform: "neutral",
    // Espruino has ES5 plus the pieces listed in docs/espruino-language.md;
    // the gate checks what esbuild emits.
    target: "es2019",
    // Not in Espruino's subset: make esbuild lower them instead of emitting them.
    supported: {
      "optional-catch-binding": false,
      "logical-assignment": false,
      "unicode-escapes": false,
      "exponent-operator": false,
      "object-rest-spread": false,
    },
    // Espruino ignores "use strict"; do not spend bytes on it.
    tsconfigRaw: { compilerOptions: { alwaysStrict: false, useDefineForClassFields: false } },
    charset: "ascii",
    legalComments: "none",
    sourcemap: "external",
    outfile: path.join(REPO_ROOT, "dist", "app.js"),
    logLevel: "silent",
    mangleProps: MANGLED_PROPERTIES,
    banner: { js: PREFIX },
    footer: { js: SUFFIX },
    plugins: [
      {
        name: "app-config",
        setup(build) {
          // Optional code: the module when its setting is there, else a stand-in that exports null.
          for (const [name, file, exported, wanted] of [
            ["app-wifi", "wifi.ts", "joinWifi", config.wifi],
            ["app-mqtt", "publisher.ts", "startPublisher", config.mqtt],
          ] as const) {
            const filter = new RegExp(`^${name}$`);
            build.onResolve({ filter }, () => (wanted ? { path: path.join(REPO_ROOT, "app", file) } : { path: name, namespace: "app-config" }));
            build.onLoad({ filter, namespace: "app-config" }, () => ({ contents: `export const ${exported} = null`, loader: "js" }));
          }
          build.onResolve({ filter: /^app-config$/ }, () => ({ path: "app-config", namespace: "app-config" }));
          build.onLoad({ filter: /^app-config$/, namespace: "app-config" }, () => ({
            contents: "export default " + configLiteral(embeddedConfig(config)),
            loader: "js",
          }));
        },
      },
    ],
  });
  const built = terminateBareReturns(
    result.outputFiles.find((file) => file.path.endsWith(".js"))!.text,
    result.outputFiles.find((file) => file.path.endsWith(".map"))!.text,
  );
  const code = built.code;
  const map = withoutConfigSource(built.map);
  const problems = checkBundle(code, { filename: path.join(REPO_ROOT, "dist", "app.js"), sourceMap: map, cwd: REPO_ROOT });
  return { code, map, bytes: Buffer.byteLength(code), problems };
}

/**
 * The configuration as a JavaScript literal. Keys are unquoted, so that
 * mangled names (MANGLED_PROPERTIES) match their uses, also in nested
 * objects (mqtt); absent settings stay out: every byte counts.
 */
export function configLiteral(value: unknown): string {
  if (!value || typeof value !== "object" || Array.isArray(value)) return JSON.stringify(value);
  const entries = Object.entries(value).filter(([, item]) => item !== undefined);
  return "{" + entries.map(([key, item]) => key + ":" + configLiteral(item)).join(",") + "}";
}

/** The map without the text of the "app-config" module (the configuration, secrets included). */
function withoutConfigSource(map: string): string {
  const parsed = JSON.parse(map) as { sources: string[]; sourcesContent?: Array<string | null> };
  parsed.sources.forEach((source, index) => {
    if (source.startsWith("app-config:") && parsed.sourcesContent) parsed.sourcesContent[index] = null;
  });
  return JSON.stringify(parsed);
}

interface AstNode {
  type: string;
  argument?: unknown;
  range: [number, number];
  loc: { end: { line: number; column: number } };
}

/**
 * esbuild prints a bare `return` that ends a block as `return}`, which
 * Espruino 2v29 rejects ("Unexpected end of Input") in several positions
 * (docs/espruino-behaviour.md). Adds the `;` and shifts the source map to match.
 */
export function terminateBareReturns(code: string, map: string): { code: string; map: string } {
  const ast = espree.parse(code, { ecmaVersion: "latest", sourceType: "script", range: true, loc: true });
  const returns: AstNode[] = [];
  (function walk(node: unknown): void {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(walk);
    const typed = node as AstNode & Record<string, unknown>;
    if (typed.type === "ReturnStatement" && !typed.argument && /^\s*\}/.test(code.slice(typed.range[1]))) returns.push(typed);
    for (const key of Object.keys(typed)) if (key !== "parent" && key !== "loc" && key !== "range") walk(typed[key]);
  })(ast);
  if (returns.length === 0) return { code, map };
  returns.sort((a, b) => a.range[1] - b.range[1]);
  let out = "";
  let from = 0;
  for (const node of returns) {
    out += code.slice(from, node.range[1]) + ";";
    from = node.range[1];
  }
  out += code.slice(from);

  // Generated columns after an insertion on the same line move right by one per insertion.
  const shift = (line: number, column: number) =>
    column + returns.filter((node) => node.loc.end.line === line && node.loc.end.column <= column).length;
  const consumer = new SourceMapConsumer(JSON.parse(map));
  const generator = new SourceMapGenerator({ file: consumer.file ?? undefined });
  consumer.eachMapping((mapping) => {
    const generated = { line: mapping.generatedLine, column: shift(mapping.generatedLine, mapping.generatedColumn) };
    if (!mapping.source || mapping.originalLine === null || mapping.originalColumn === null) return generator.addMapping({ generated });
    generator.addMapping({
      generated,
      original: { line: mapping.originalLine, column: mapping.originalColumn },
      source: mapping.source,
      name: mapping.name || undefined,
    });
  });
  for (const source of consumer.sources) {
    const content = consumer.sourceContentFor(source, true);
    if (content) generator.setSourceContent(source, content);
  }
  return { code: out, map: generator.toString() };
}

