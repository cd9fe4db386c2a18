// npm run bench: bundle size, the median wall time of one check through the
// host runtime against the local checker next to `openssl s_client` making
// the same request, and peak memory. Figures go in the README by hand.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Command, Option } from "commander";
import { ensureDevPki } from "./checker/dev-pki.ts";
import { startChecker } from "./checker/server.ts";
import { buildBundle } from "./lib/bundle.ts";
import { wholeNumber } from "./lib/args.ts";
import { runMain, say, UsageError } from "./lib/cli.ts";
import { resolveConfig } from "./lib/config.ts";
import { runBundle } from "./lib/run-bundle.ts";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One GET /a/check with openssl s_client, verifying against the CA; resolves to the wall time in ms. */
function opensslCheck(port: number, caPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      "openssl",
      ["s_client", "-connect", `127.0.0.1:${port}`, "-CAfile", caPath, "-verify_return_error", "-quiet"],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (data) => (out += data));
    child.on("error", (error) => reject(new Error(`cannot run openssl: ${error.message}`)));
    child.on("close", () => {
      if (!out.includes('"rating"')) reject(new Error("openssl s_client got no answer:\n" + out.slice(0, 300)));
      else resolve(performance.now() - started);
    });
    child.stdin.end(`GET /a/check HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
  });
}

async function main(): Promise<number> {
  const program = new Command("bench")
    .description("Measure bundle size, check time (host runtime vs openssl s_client) and peak memory against the local checker.")
    .addOption(new Option("--runs <n>", "timed runs of each").default(9).argParser(wholeNumber("--runs")))
    .option("--json", "print the figures as JSON");
  program.parse();
  const { runs, json } = program.opts<{ runs: number; json?: boolean }>();
  if (!Number.isInteger(runs) || runs < 1 || runs > 200) throw new UsageError("--runs takes 1 to 200");

  const defaultBundle = await buildBundle(resolveConfig({}).config);
  const pkiDir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-check-bench-"));
  const pki = await ensureDevPki(pkiDir);
  const checker = await startChecker({ pki: { caPem: pki.caPem, serverCertPem: pki.serverCertPem, serverKeyPem: pki.serverKeyPem } });
  try {
    const config = resolveConfig({ url: checker.url, ca: pki.caPath, probe: false }).config;
    const bundle = await buildBundle(config);
    const withProbe = await buildBundle({ ...config, probe: true });
    const timings = { runtime: [] as number[], runtimeWithProbe: [] as number[], openssl: [] as number[] };
    let memoryPeak = 0;
    // One untimed round first: module loading and the first handshake are not what is measured.
    await runBundle(bundle.code);
    await opensslCheck(checker.port, pki.caPath);
    for (let i = 0; i < runs; i++) {
      process.stderr.write(`\rrun ${i + 1}/${runs}`);
      let started = performance.now();
      const outcome = await runBundle(bundle.code);
      timings.runtime.push(performance.now() - started);
      if (!outcome.result?.ok) throw new Error("the check failed:\n" + outcome.lines.join("\n"));
      memoryPeak = Math.max(memoryPeak, outcome.memoryPeak);
      started = performance.now();
      await runBundle(withProbe.code);
      timings.runtimeWithProbe.push(performance.now() - started);
      timings.openssl.push(await opensslCheck(checker.port, pki.caPath));
    }
    process.stderr.write("\n");
    const figures = {
      bundle_bytes_default: defaultBundle.bytes,
      bundle_bytes_local: bundle.bytes,
      runs,
      median_ms_host_runtime: Math.round(median(timings.runtime)),
      median_ms_host_runtime_with_probe: Math.round(median(timings.runtimeWithProbe)),
      median_ms_openssl_s_client: Math.round(median(timings.openssl)),
      ratio_host_runtime_to_openssl: Number((median(timings.runtime) / median(timings.openssl)).toFixed(2)),
      peak_memory_blocks_host_runtime: memoryPeak,
      node: process.version,
      cpus: os.cpus().length,
    };
    if (json) {
      say(JSON.stringify(figures, null, 2));
    } else {
      say(`bundle (default config, one pinned root CA)   ${figures.bundle_bytes_default} bytes`);
      say(`bundle (local checker, dev CA)                ${figures.bundle_bytes_local} bytes`);
      say(`one check, host runtime (median of ${runs})     ${figures.median_ms_host_runtime} ms`);
      say(`  with the verification probe                 ${figures.median_ms_host_runtime_with_probe} ms`);
      say(`one check, openssl s_client (median of ${runs}) ${figures.median_ms_openssl_s_client} ms`);
      say(`ratio host runtime / openssl                  ${figures.ratio_host_runtime_to_openssl}`);
      say(`peak memory, host runtime estimate            ${figures.peak_memory_blocks_host_runtime} blocks`);
    }
    return 0;
  } finally {
    await checker.close();
    fs.rmSync(pkiDir, { recursive: true, force: true });
  }
}

// Issue 11: `--fleet` runs the fleet load bench, which lives in its own module; this hook is all it adds here.
if (process.argv.includes("--fleet")) runMain(async () => (await import("./fleet/bench.ts")).fleetBench(process.argv.slice(2).filter((arg) => arg !== "--fleet")));
else runMain(main);
