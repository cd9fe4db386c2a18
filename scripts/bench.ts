// npm run bench: bundle sizes, the time of one check through the host runtime
// as each of this project's firmwares (TLS 1.3 with X25519MLKEM768, TLS 1.2),
// with and without the verification probe, next to `openssl s_client` making
// the same request, the bare handshakes, ClientHello sizes and peak memory.
// Figures go in docs/measurements.md by hand.
//
// How it measures: everything runs against one local checker in this
// process. After one untimed round (module loading, first handshakes), each
// round runs every timed figure once, in an order rotated from round to round,
// so that the figures share the machine's conditions and none always goes
// first. Each run's outcome is checked (the check completed, with the
// expected TLS version, group and verification) before its time counts.
// Times are wall clock (performance.now()); min, median and max per figure.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { Command, Option } from "commander";
import { ensureDevPki } from "./checker/dev-pki.ts";
import { type Checker, startChecker } from "./checker/server.ts";
import { buildBundle } from "./build/bundle.ts";
import { wholeNumber } from "./lib/args.ts";
import { runMain, say, UsageError } from "./lib/command.ts";
import { resolveConfig } from "./build/config.ts";
import { currentTime } from "./lib/clock.ts";
import { runBundle } from "./host/run-bundle.ts";
import type { Firmware } from "./host/firmware.ts";
import { firmwareProblem, firmwareTls } from "./host/firmware.ts";

interface Spread {
  min: number;
  median: number;
  max: number;
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1] };
}

/** One timed thing: runs once and resolves to its wall time in ms, or throws when its outcome is wrong. */
interface Figure {
  key: string;
  label: string;
  run: () => Promise<number>;
}

async function timed(what: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await what();
  return performance.now() - started;
}

/** One GET /a/check with openssl s_client, verifying against the CA; checks the answer's TLS version. */
function opensslCheck(port: number, caPath: string, versionFlag: "-tls1_2" | "-tls1_3", expected: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-CAfile", caPath, "-verify_return_error", "-quiet", versionFlag], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (data) => (out += data));
    child.on("error", (error) => reject(new Error(`cannot run openssl: ${error.message}`)));
    child.on("close", () => {
      const body = out.slice(out.indexOf("\r\n\r\n") + 4);
      let version: unknown;
      try {
        version = (JSON.parse(body) as { tls_version?: unknown }).tls_version;
      } catch {
        version = undefined;
      }
      if (version === expected) resolve();
      else reject(new Error(`openssl s_client ${versionFlag}: expected ${expected}, got:\n${out.slice(0, 300)}`));
    });
    child.stdin.end(`GET /a/check HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
  });
}

/** A bare node:tls handshake with the checker, until both sides have finished; checks version and group. */
function handshake(checker: Checker, options: tls.ConnectionOptions, protocol: string, group: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port: checker.port, ca: checker.caPem, ...options }, () => {
      const seen = [socket.getProtocol(), (socket.getEphemeralKeyInfo() as { name?: string } | null)?.name];
      socket.destroy();
      if (seen[0] === protocol && seen[1] === group) resolve();
      else reject(new Error(`handshake: expected ${protocol} with ${group}, got ${seen.join(" with ")}`));
    });
    socket.on("error", reject);
  });
}

/** Lines of a left-aligned table whose columns line up in any terminal or file. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join("  ").trimEnd());
}

function progress(text: string): void {
  // Progress only on a terminal, where \r rewrites the line; in a pipe it would run together.
  if (process.stderr.isTTY) process.stderr.write(`\r${text}\x1b[K`);
}

interface BenchOptions {
  runs: number;
  json: boolean;
}

function readOptions(): BenchOptions {
  const program = new Command("bench")
    .description("Measure bundle sizes, check and handshake times (host runtime as each firmware vs openssl s_client) and peak memory against the local checker.")
    .addOption(new Option("--runs <n>", "timed runs of each figure (rounds)").default(21).argParser(wholeNumber("--runs")))
    .option("--json", "print the figures as JSON");
  program.parse();
  const { runs, json } = program.opts<{ runs: number; json?: boolean }>();
  if (!Number.isInteger(runs) || runs < 1 || runs > 200) throw new UsageError("--runs takes 1 to 200");
  return { runs, json: json === true };
}

/** What the host runtime's checks report besides their time, kept across runs. */
interface HostRuntimeFigures {
  memoryPeak: number;
  /** The size of the last ClientHello each firmware sent. */
  helloBytes: Partial<Record<Firmware, number>>;
}

/** One check of `code` through the host runtime as `firmware`: its time to the RESULT line, once the outcome is as this firmware should make it. */
function hostRuntimeCheck(checker: Checker, seen: HostRuntimeFigures, firmware: Firmware, code: string, probed: boolean): () => Promise<number> {
  const expected = firmware === "wolfssl" ? { version: "TLS 1.3", group: "X25519MLKEM768" } : { version: "TLS 1.2", group: "X25519" };
  return async () => {
    // Until the RESULT line: the runner then polls for idleness, which is not the check's time.
    const started = performance.now();
    let reported = NaN;
    const outcome = await runBundle(code, { firmware, onLine: (line) => void (line.startsWith("RESULT ") && (reported = performance.now())) });
    const result = outcome.result;
    const group = outcome.handshakes[0]?.group;
    if (!result?.ok || result.tls_version !== expected.version || group !== expected.group || result.cert_verified !== (probed ? true : null)) {
      throw new Error(`the check as ${firmware} did not go as expected (${expected.version}, ${expected.group}):\n` + outcome.lines.join("\n"));
    }
    seen.memoryPeak = Math.max(seen.memoryPeak, outcome.memoryPeak);
    seen.helloBytes[firmware] = checker.hellos.at(-1)?.bytes;
    return reported - started;
  };
}

/** Every timed figure, against `checker` whose CA is in `caPath`; `bundle` checks it without the probe, `withProbe` with. */
function benchFigures(checker: Checker, caPath: string, bundle: string, withProbe: string, seen: HostRuntimeFigures): Figure[] {
  const check = (firmware: Firmware, code: string, probed: boolean): (() => Promise<number>) => hostRuntimeCheck(checker, seen, firmware, code, probed);
  return [
    { key: "check_tls13_hybrid", label: "one check, host runtime as wolfssl (TLS 1.3, X25519MLKEM768)", run: check("wolfssl", bundle, false) },
    { key: "check_tls13_hybrid_probe", label: "  with the verification probe (a second connection)", run: check("wolfssl", withProbe, true) },
    { key: "check_tls12", label: "one check, host runtime as mbedtls (TLS 1.2, X25519)", run: check("mbedtls", bundle, false) },
    { key: "check_tls12_probe", label: "  with the verification probe (a second connection)", run: check("mbedtls", withProbe, true) },
    { key: "openssl_tls13", label: "one check, openssl s_client -tls1_3 (X25519)", run: () => timed(() => opensslCheck(checker.port, caPath, "-tls1_3", "TLS 1.3")) },
    { key: "openssl_tls12", label: "one check, openssl s_client -tls1_2 (X25519)", run: () => timed(() => opensslCheck(checker.port, caPath, "-tls1_2", "TLS 1.2")) },
    {
      key: "handshake_tls13_hybrid",
      label: "handshake, node:tls, TLS 1.3 X25519MLKEM768",
      run: () => timed(() => handshake(checker, { ecdhCurve: "X25519MLKEM768" }, "TLSv1.3", "X25519MLKEM768")),
    },
    { key: "handshake_tls13", label: "handshake, node:tls, TLS 1.3 X25519", run: () => timed(() => handshake(checker, { ecdhCurve: "X25519" }, "TLSv1.3", "X25519")) },
    {
      key: "handshake_tls12",
      label: "handshake, node:tls, TLS 1.2 ECDHE X25519",
      run: () => timed(() => handshake(checker, { ecdhCurve: "X25519", maxVersion: "TLSv1.2" }, "TLSv1.2", "X25519")),
    },
  ];
}

/** One untimed round, then `runs` timed rounds, each in an order rotated by one; the times of each figure by key. */
async function measure(figures: Figure[], runs: number, json: boolean): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>(figures.map((figure) => [figure.key, []]));
  if (!json) say(`measuring ${figures.length} figures, ${runs} interleaved rounds after one untimed round...`);
  for (const figure of figures) await figure.run();
  for (let round = 0; round < runs; round++) {
    progress(`round ${round + 1}/${runs}`);
    for (let offset = 0; offset < figures.length; offset++) {
      const figure = figures[(offset + round) % figures.length];
      times.get(figure.key)!.push(await figure.run());
    }
  }
  progress("");
  if (process.stderr.isTTY) process.stderr.write("\r");
  return times;
}

interface BenchReport {
  measured: string;
  node: string;
  openssl_node: string;
  cpus: number;
  runs: number;
  bundle_bytes_default: number;
  bundle_bytes_local: number;
  ms: Record<string, Spread>;
  ratio_host_runtime_to_openssl_tls12: number;
  ratio_host_runtime_to_openssl_tls13: number;
  client_hello_bytes: Partial<Record<Firmware, number>>;
  peak_memory_blocks_host_runtime: number;
}

function benchReport(spreads: Record<string, Spread>, runs: number, bundleBytes: { default: number; local: number }, seen: HostRuntimeFigures): BenchReport {
  const ratio = (a: string, b: string): number => Number((spreads[a].median / spreads[b].median).toFixed(2));
  return {
    measured: currentTime().toISOString(),
    node: process.version,
    openssl_node: process.versions.openssl,
    cpus: os.cpus().length,
    runs,
    bundle_bytes_default: bundleBytes.default,
    bundle_bytes_local: bundleBytes.local,
    ms: spreads,
    ratio_host_runtime_to_openssl_tls12: ratio("check_tls12", "openssl_tls12"),
    ratio_host_runtime_to_openssl_tls13: ratio("check_tls13_hybrid", "openssl_tls13"),
    client_hello_bytes: seen.helloBytes,
    peak_memory_blocks_host_runtime: seen.memoryPeak,
  };
}

/** The report as two tables: the timed figures, then sizes, ratios and memory. */
function printReport(report: BenchReport, figures: Figure[]): void {
  const ms = (value: number): string => `${value.toFixed(1)} ms`;
  const spreads = report.ms;
  say(`${report.measured}, Node ${report.node} (OpenSSL ${report.openssl_node}), ${report.cpus} CPUs; ${report.runs} runs of each figure, interleaved`);
  say("");
  for (const line of table([
    ["figure", "min", "median", "max"],
    ...figures.map((figure) => [figure.label, ms(spreads[figure.key].min), ms(spreads[figure.key].median), ms(spreads[figure.key].max)]),
  ])) {
    say(line);
  }
  say("");
  for (const line of table([
    ["bundle, default configuration (one pinned root CA)", `${report.bundle_bytes_default} bytes`],
    ["bundle, local checker (dev CA)", `${report.bundle_bytes_local} bytes`],
    ["ClientHello to 127.0.0.1 (no SNI), host runtime as wolfssl", `${report.client_hello_bytes.wolfssl} bytes`],
    ["ClientHello to 127.0.0.1 (no SNI), host runtime as mbedtls", `${report.client_hello_bytes.mbedtls} bytes`],
    ["median ratio host runtime / openssl, TLS 1.2", String(report.ratio_host_runtime_to_openssl_tls12)],
    ["median ratio host runtime / openssl, TLS 1.3", `${report.ratio_host_runtime_to_openssl_tls13} (X25519MLKEM768 against X25519)`],
    ["peak memory, host runtime estimate", `${report.peak_memory_blocks_host_runtime} blocks`],
  ])) {
    say(line);
  }
}

async function main(): Promise<number> {
  const { runs, json } = readOptions();
  const problem = firmwareProblem(firmwareTls("wolfssl"));
  if (problem) throw new UsageError(problem);

  const defaultBundle = await buildBundle(resolveConfig({}).config);
  const pkiDir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-check-bench-"));
  const pki = await ensureDevPki(pkiDir);
  const checker = await startChecker({ pki: { caPem: pki.caPem, serverCertPem: pki.serverCertPem, serverKeyPem: pki.serverKeyPem } });
  try {
    const config = resolveConfig({ url: checker.url, ca: pki.caPath, probe: false }).config;
    const bundle = await buildBundle(config);
    const withProbe = await buildBundle({ ...config, probe: true });
    const seen: HostRuntimeFigures = { memoryPeak: 0, helloBytes: {} };
    const figures = benchFigures(checker, pki.caPath, bundle.code, withProbe.code, seen);
    const times = await measure(figures, runs, json);
    const spreads = Object.fromEntries(figures.map((figure) => [figure.key, spread(times.get(figure.key)!)]));
    const report = benchReport(spreads, runs, { default: defaultBundle.bytes, local: bundle.bytes }, seen);
    if (json) say(JSON.stringify(report, null, 2));
    else printReport(report, figures);
    return 0;
  } finally {
    await checker.close();
    fs.rmSync(pkiDir, { recursive: true, force: true });
  }
}

// Issue 11: `--fleet` runs the fleet load bench, which lives in its own module; this hook is all it adds here.
if (process.argv.includes("--fleet")) runMain(async () => (await import("./fleet/bench.ts")).fleetBench(process.argv.slice(2).filter((arg) => arg !== "--fleet")));
else runMain(main);
