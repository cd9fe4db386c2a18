// npm run build: configuration -> bundle -> subset gate -> dist/app.js.
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import pc from "picocolors";
import { buildBundle, rejected } from "./build/bundle.ts";
import { say, warn, fail, runMain } from "./lib/command.ts";
import { addConfigOptions, resolveConfig, type ConfigFlags } from "./build/config.ts";
import { DEFAULT_BUNDLE } from "./lib/paths.ts";
import { formatProblems } from "./gate/gate.ts";

async function main(): Promise<number> {
  const program = addConfigOptions(
    new Command("build")
      .description("Bundle app/ with the configuration into one script for Espruino, and check it against Espruino's subset.")
      .option("--out <file>", "where to write the bundle", DEFAULT_BUNDLE),
  );
  program.parse();
  const flags = program.opts<ConfigFlags & { out: string }>();
  const resolved = resolveConfig(flags);
  for (const line of resolved.summary) say(pc.dim(line));
  for (const warning of resolved.warnings) warn(warning);

  const bundle = await buildBundle(resolved.config);
  const out = path.resolve(flags.out);
  const shown = path.relative(process.cwd(), out) || out;
  if (bundle.problems.length) {
    const text = formatProblems(bundle.problems, shown);
    if (rejected(bundle)) {
      fail(`the bundle uses JavaScript that Espruino cannot run; nothing was written:\n${text}`);
      return 1;
    }
    warn(text);
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, bundle.code);
  fs.writeFileSync(out + ".map", bundle.map);
  const ca = resolved.config.ca ? ` (pinned CA ${Math.ceil((resolved.config.ca.length * 3) / 4)} bytes of DER, ${resolved.config.ca.length} embedded)` : "";
  say(`${shown}: ${bundle.bytes} bytes${ca}; subset gate passed`);
  return 0;
}

runMain(main);
