// The fleet load bench (npm run bench -- --fleet, or tsx scripts/fleet/bench.ts):
// N simulated devices (300 by default), each with its own client certificate
// from a temporary PKI, connect at once to Mosquitto on loopback and publish a
// RESULT with the device's own codec (app/mqtt.ts) over real TLS, while the
// fleet view (scripts/fleet.ts, run as `npm run fleet` runs it, in a child)
// collects them. Prints how many the fleet view got (none may be lost or
// doubled), the times, and the fleet view's peak memory. Figures go in
// docs/measurements.md by hand; nothing here asserts a time.
import { spawn, type ChildProcessByStdio } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { Command, Option } from "commander";
import { wholeNumber } from "../lib/args.ts";
import { runMain, say, UsageError } from "../lib/command.ts";
import { REPO_ROOT } from "../lib/paths.ts";
import { createCa, issueLeaf, type Issued } from "../certs/issue.ts";
import type { DeviceRow } from "./devices.ts";
import { startMosquitto, type Mosquitto } from "./mosquitto.ts";
import { publishAsDevice, resultTopic, type SimulatedDevice } from "./simulated-device.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FLEET_ENTRY = path.join(REPO_ROOT, "scripts", "fleet.ts");
const PEAK_MEMORY = path.join(HERE, "peak-memory.ts");

interface BenchPki {
  ca: Issued;
  server: Issued;
  fleet: Issued;
  devices: SimulatedDevice[];
}

/** The RESULT device `i` publishes: realistic fields, and ms/mem_peak that tell the devices apart. */
export function deviceResult(i: number): Record<string, unknown> {
  return { ok: true, url: "https://checker.test/a/check", tls_version: "TLS 1.3", rating: "Probably Okay", cert_verified: true, ms: 500 + i, mem_peak: 1000 + i, firmware: "2v29" };
}

/** EC keys: 300 RSA keys would take longer than the bench itself. */
async function createPki(count: number): Promise<BenchPki> {
  const ca = await createCa({ commonName: "fleet bench CA", key: "ec-p256" });
  const server = await issueLeaf(ca, "server", { commonName: "localhost", names: ["localhost", "127.0.0.1"], key: "ec-p256" });
  const fleet = await issueLeaf(ca, "client", { commonName: "fleet", key: "ec-p256" });
  const ids = Array.from({ length: count }, (_, i) => `bench-${String(i + 1).padStart(4, "0")}`);
  const issued = await Promise.all(ids.map((id) => issueLeaf(ca, "client", { commonName: id, key: "ec-p256" })));
  return { ca, server, fleet, devices: ids.map((clientId, i) => ({ clientId, certPem: issued[i].certPem, keyPem: issued[i].keyPem })) };
}

type FleetChild = ChildProcessByStdio<null, Readable, Readable>;

interface FleetRun {
  child: FleetChild;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when stderr matches, with the moment it did (performance.now()); rejects if the fleet view exits first. */
  when: (pattern: RegExp) => Promise<number>;
  /** Exit code, stdout and the peak memory line from descriptor 3. */
  exited: Promise<{ code: number | null; peak: string }>;
}

/** Starts `npm run fleet`'s code in a child, with the peak memory reporter loaded. */
function startFleet(args: string[]): FleetRun {
  const child = spawn(process.execPath, ["--import", "tsx", "--import", PEAK_MEMORY, FLEET_ENTRY, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  }) as unknown as FleetChild;
  let out = "";
  let err = "";
  let peak = "";
  const waiting: Array<{ pattern: RegExp; resolve: (at: number) => void; reject: (error: Error) => void }> = [];
  child.stdout.on("data", (data: Buffer) => (out += data));
  (child.stdio[3] as Readable).on("data", (data: Buffer) => (peak += data));
  child.stderr.on("data", (data: Buffer) => {
    err += data;
    const now = performance.now();
    for (const waiter of waiting.filter((entry) => entry.pattern.test(err))) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve(now);
    }
  });
  const exited = new Promise<{ code: number | null; peak: string }>((resolve) => child.on("close", (code) => resolve({ code, peak })));
  void exited.then(() => {
    for (const waiter of waiting.splice(0)) waiter.reject(new Error(`the fleet view exited first:\n${err}`));
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    when: (pattern) => (pattern.test(err) ? Promise.resolve(performance.now()) : new Promise((resolve, reject) => waiting.push({ pattern, resolve, reject }))),
    exited,
  };
}

export interface FleetBenchFigures {
  devices: number;
  published: number;
  received: number;
  lost: number;
  doubled: number;
  altered: number;
  ms_all_published: number;
  ms_all_in_fleet_view: number;
  fleet_view_peak_rss_mb: number | null;
  fleet_view_exit: number | null;
  publish_failures: string[];
  node: string;
  cpus: number;
}

/** What the fleet view listed against what the devices sent: lost, doubled, or changed on the way. */
export function tally(devices: SimulatedDevice[], rows: DeviceRow[]): { received: number; lost: number; doubled: number; altered: number } {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const sent = new Map(devices.map((device, i) => [device.clientId, deviceResult(i)]));
  let received = 0;
  let doubled = 0;
  let altered = 0;
  for (const [id, result] of sent) {
    const row = byId.get(id);
    if (!row) continue;
    received++;
    if (row.messages > 1) doubled++;
    if (JSON.stringify(row.result) !== JSON.stringify(result)) altered++;
  }
  // Rows for ids no device has are alterations too (a topic changed on the way).
  altered += rows.filter((row) => !sent.has(row.id)).length;
  return { received, lost: devices.length - received, doubled, altered };
}

/** Runs the bench with a broker, a fleet view and `count` devices; always stops what it started. */
async function measure(count: number, timeoutS: number): Promise<FleetBenchFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-bench-"));
  let broker: Mosquitto | null = null;
  let fleet: FleetRun | null = null;
  try {
    process.stderr.write(`issuing ${count} device certificates... `);
    const pki = await createPki(count);
    process.stderr.write("done\n");
    const file = (name: string, text: string) => {
      fs.writeFileSync(path.join(dir, name), text, { mode: 0o600 });
      return path.join(dir, name);
    };
    broker = await startMosquitto({ caPem: pki.ca.certPem, serverCertPem: pki.server.certPem, serverKeyPem: pki.server.keyPem, readers: ["fleet"] });
    fleet = startFleet([
      ...["--broker", `mqtts://127.0.0.1:${broker.port}`, "--ca", file("ca.pem", pki.ca.certPem), "--cert", file("fleet.pem", pki.fleet.certPem)],
      ...["--key", file("fleet-key.pem", pki.fleet.keyPem), "--once", String(timeoutS), "--expect", String(count), "--json"],
    ]);
    await fleet.when(/subscribed to /);
    process.stderr.write(`${count} devices connecting and publishing at once...\n`);
    const endpoint = { host: "127.0.0.1", port: broker.port, caPem: pki.ca.certPem };
    const started = performance.now();
    const outcomes = await Promise.allSettled(pki.devices.map((device, i) => publishAsDevice(endpoint, device, resultTopic(device.clientId), JSON.stringify(deviceResult(i)), timeoutS * 1000)));
    const allPublished = performance.now() - started;
    const failures = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected").map((outcome) => (outcome.reason as Error).message);
    const allIn = await fleet.when(/all \d+ expected devices have reported/).catch(() => null);
    const { code, peak } = await fleet.exited;
    const document = JSON.parse(fleet.stdout() || "{}") as { devices?: DeviceRow[] };
    const maxRss = /"max_rss_kb":(\d+)/.exec(peak)?.[1];
    return {
      devices: count,
      published: count - failures.length,
      ...tally(pki.devices, document.devices ?? []),
      ms_all_published: Math.round(allPublished),
      ms_all_in_fleet_view: allIn === null ? -1 : Math.round(allIn - started),
      fleet_view_peak_rss_mb: maxRss ? Math.round(Number(maxRss) / 102.4) / 10 : null,
      fleet_view_exit: code,
      publish_failures: failures.slice(0, 5),
      node: process.version,
      cpus: os.cpus().length,
    };
  } finally {
    if (fleet && fleet.child.exitCode === null) fleet.child.kill("SIGKILL");
    await broker?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function report(figures: FleetBenchFigures): void {
  const n = figures.devices;
  const line = (label: string, value: string) => say(`${label.padEnd(66)} ${value}`);
  say(`${figures.received}/${n} received by the fleet view (lost ${figures.lost}, doubled ${figures.doubled}, altered ${figures.altered})`);
  say(`${figures.published}/${n} PUBACKs at the devices`);
  line(`all ${n} published (TLS handshake, CONNECT, PUBLISH, PUBACK each)`, `${figures.ms_all_published} ms`);
  line(`all ${n} in the fleet view`, figures.ms_all_in_fleet_view < 0 ? "never" : `${figures.ms_all_in_fleet_view} ms`);
  line("fleet view peak memory (max RSS)", `${figures.fleet_view_peak_rss_mb ?? "?"} MB`);
  for (const failure of figures.publish_failures) say(`  publish failed: ${failure}`);
}

/** The bench's main: 0 when every result arrived exactly once and unchanged, 2 otherwise, 1 for usage. */
export async function fleetBench(argv: string[]): Promise<number> {
  const program = new Command("bench --fleet")
    .description("Fleet load bench: N devices with their own client certificates publish at once to Mosquitto over mutual TLS; the fleet view must get every RESULT once.")
    .addOption(new Option("--devices <n>", "simulated devices").default(300).argParser(wholeNumber("--devices")))
    .addOption(new Option("--timeout <s>", "give up after this many seconds").default(120).argParser(wholeNumber("--timeout")))
    .option("--json", "print the figures as JSON");
  program.parse(argv, { from: "user" });
  const { devices, timeout, json } = program.opts<{ devices: number; timeout: number; json?: boolean }>();
  if (devices < 1 || devices > 2000) throw new UsageError("--devices takes 1 to 2000");
  if (timeout < 5) throw new UsageError("--timeout takes at least 5 seconds");
  const figures = await measure(devices, timeout);
  if (json) say(JSON.stringify(figures, null, 2));
  else report(figures);
  const whole = figures.received === devices && figures.doubled === 0 && figures.altered === 0 && figures.fleet_view_exit === 0;
  return whole ? 0 : 2;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) runMain(() => fleetBench(process.argv.slice(2)));
