// A few source files bundled the way the gate sees the app (minified, an
// external source map) for the gate's tests: the CLI's (test/gate.test.ts)
// and the mapping's (test/gate/gate.test.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";

/** Writes `files` into `dir`, bundles `entry`, and writes the bundle and its map to dir/dist/app.js(.map). */
export async function bundleSnippet(dir: string, files: Record<string, string>, entry: string): Promise<{ code: string; map: string }> {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  const outfile = path.join(dir, "dist", "app.js");
  const result = await esbuild.build({
    entryPoints: [path.join(dir, entry)],
    bundle: true,
    format: "iife",
    target: "es2019",
    minify: true,
    sourcemap: "external",
    outfile,
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles.find((file) => file.path.endsWith(".js"))!.text;
  const map = result.outputFiles.find((file) => file.path.endsWith(".map"))!.text;
  mkdirSync(path.dirname(outfile), { recursive: true });
  writeFileSync(outfile, code);
  writeFileSync(outfile + ".map", map);
  return { code, map };
}
