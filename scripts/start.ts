// npm start: the main job on a machine with no board. Builds the app, starts
// the local howsmyssl-compatible checker on loopback, runs the bundle in the
// host runtime pinned to the development CA, prints the report and exits
// 0 (check completed), 2 (check failed, or publishing it failed), 1 (usage), 3 (rating at --fail-on or worse).
//   npm start -- --firmware wolfssl|mbedtls|stock          which firmware's TLS the host runtime plays
//   npm start -- --url URL --ca FILE [--cert F --key F]   check any endpoint
//   npm start -- --mqtt                                    publish the RESULT to a broker of its own, show what arrives
//   npm start -- --mqtt mqtts://HOST:PORT --mqtt-ca FILE   publish it to a real broker
//   npm start -- --serve [--host ADDR] [--port N]          only the checker, for a real board
//   npm start -- --rate-at 2026-12-15T00:00:00Z            the checker rates as if it were then
import os from "node:os";
import path from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import pc from "picocolors";
import { type DevPki, ensureDevPki, validateSan } from "./checker/dev-pki.ts";
import { startChecker } from "./checker/server.ts";
import { buildBundle, rejected } from "./build/bundle.ts";
import { wholeNumber } from "./lib/args.ts";
import { asUsage, fail, runMain, say, UsageError, warn } from "./lib/command.ts";
import { addConfigOptions, resolveConfig, type ConfigFlags } from "./build/config.ts";
import { EXIT, exitCodeFor, type FailOn, ratingReasons } from "./lib/result.ts";
import { runBundle } from "./host/run-bundle.ts";
import { currentTime } from "./lib/clock.ts";
import { checkListenAddress } from "./lib/listen.ts";
import { formatProblems } from "./gate/gate.ts";
import { type Firmware, firmwareTls } from "./host/firmware.ts";
import { describeHandshake } from "./host/tls.ts";
import { addFirmwareOptions, chosenFirmware } from "./host/firmware-option.ts";
import { parseBrokerUrl } from "./build/broker.ts";
import { type EmbeddedBroker, startEmbeddedBroker } from "./mqtt/embedded-broker.ts";
import { ReceivedView } from "./mqtt/received.ts";
import type { PublishReport } from "../app/result.ts";

interface StartFlags extends ConfigFlags {
  serve?: boolean;
  host: string;
  port?: number;
  san: string[];
  failOn?: FailOn;
  mtls?: boolean;
  rateAt?: Date;
  pkiDir?: string;
  verbose?: boolean;
}

/** An ISO 8601 instant, naming the flag in the complaint. */
function isoInstant(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d\d-\d\d/.test(value) || Number.isNaN(date.getTime())) throw new InvalidArgumentError(`--rate-at takes an ISO date, e.g. 2026-12-15T00:00:00Z, not "${value}"`);
  return date;
}

/** What the local checker is told, from the flags: its rating clock and its log. */
function checkerFlags(flags: StartFlags): { now?: () => Date; log?: (message: string) => void } {
  const rateAt = flags.rateAt;
  return { now: rateAt ? () => rateAt : undefined, log: flags.verbose ? (message) => say(pc.dim(message)) : undefined };
}

function program(): Command {
  const command = addConfigOptions(
    new Command("start")
      .description(
        "Run the TLS health check without a board: the real bundle in the host runtime against the local checker " +
          "(default), or against any endpoint with --url and --ca; with --mqtt, publishes the RESULT too. " +
          "Exit codes: 0 completed, 2 check failed (or publishing it, when asked for, failed), 1 usage error, 3 rating at --fail-on or worse.",
      )
      .addOption(new Option("--fail-on <rating>", "exit 3 when the rating is this or worse").choices(["improvable", "bad"]))
      .option("--mtls", "local checker only: require a client certificate and present the development one")
      .option("--serve", "only run the checker, for a real device on the network; prints the CA to pin")
      .option("--host <addr>", "--serve: address to listen on", "127.0.0.1")
      .addOption(new Option("--port <n>", "--serve: port to listen on (default 8443)").argParser(wholeNumber("--port")))
      .option("--san <name>", "--serve: extra host name or IP address for the server certificate (repeatable)", (value: string, all: string[]) => [...all, value], [])
      .addOption(new Option("--rate-at <iso-date>", "the local checker rates as if it were this time (to see howsmyssl's cutovers coming)").argParser(isoInstant))
      .option("--pki-dir <dir>", "the development PKI's folder (default .dev-pki)")
      .option("--verbose", "--serve: also log ClientHellos the checker could not read and failed handshakes"),
    {
      url: "check this endpoint instead of the local checker (default: the local checker; the configuration's url is not used)",
      ca: "PEM file of the CA to pin (default: the local checker's CA; with --url: the configuration's, else certs/isrg-root-x1.pem)",
      mqtt:
        "publish each RESULT to this MQTT broker, mqtts://HOST[:PORT] (port 8883 by default); " +
        "--mqtt alone starts a broker of npm start's own on loopback (mutual TLS, the dev PKI) and shows what arrives",
    },
  );
  return addFirmwareOptions(command);
}

/** Addresses a device on the LAN can reach this machine by, for the server certificate. */
function lanAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((address) => address && address.family === "IPv4" && !address.internal)
    .map((address) => address!.address);
}

async function serve(flags: StartFlags): Promise<number> {
  const port = flags.port ?? 8443;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--port must be 1-65535, not ${flags.port}`);
  // Every name is checked, and the address tried, before the dev PKI is touched:
  // a name written into the server certificate stays there.
  const sans = flags.san.map((name) => asUsage(() => validateSan(name)));
  const host = asUsage(() => validateSan(flags.host, "--host"));
  await checkListenAddress(host, port, { hostFlag: "--host", portFlag: "--port" });
  if (host === "0.0.0.0") sans.push(...lanAddresses());
  else if (!["127.0.0.1", "localhost"].includes(host)) sans.push(host);
  const pki = await ensureDevPki(flags.pkiDir, sans);
  for (const change of pki.changes) say(pc.dim(`dev PKI: ${change}`));
  const checker = await startChecker({
    host,
    port,
    pki: { caPem: pki.caPem, serverCertPem: pki.serverCertPem, serverKeyPem: pki.serverKeyPem },
    requireClientCert: flags.mtls,
    ...checkerFlags(flags),
    onCheck: (observed) => {
      const answer = observed.answer;
      say(`${currentTime().toISOString()} ${answer.tls_version}, ${answer.rating}, SNI ${observed.hello.serverName ?? "none"}, ${answer.given_cipher_suites.length} suites`);
    },
  });
  const shownCa = path.relative(process.cwd(), pki.caPath);
  say(`checker listening on ${pc.bold(checker.url)}${flags.mtls ? " (client certificate required)" : ""}`);
  say(`server certificate names: ${pki.serverNames.join(", ")}`);
  say(`CA to pin: ${shownCa}`);
  say(pki.caPem.trim());
  say(`on a board: npm run upload -- --port /dev/ttyUSB0 --url https://<one of the names above>:${checker.port}/a/check --ca ${shownCa}`);
  say("Ctrl-C stops the checker.");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await checker.close();
  return EXIT.OK;
}

/** What `check` runs against: the local checker and npm start's own broker, when it started them. */
interface Servers {
  configFlags: ConfigFlags;
  closers: Array<() => Promise<void>>;
  broker: EmbeddedBroker | null;
}

async function startServers(flags: StartFlags): Promise<Servers> {
  const servers: Servers = { configFlags: flags, closers: [], broker: null };
  // A broker URL the build would refuse is refused before the dev PKI is touched.
  if (typeof flags.mqtt === "string") {
    const address = parseBrokerUrl(flags.mqtt);
    if (typeof address === "string") throw new UsageError(`--mqtt (mqtt) ${address}`);
  }
  if (flags.url && flags.mtls) throw new UsageError("--mtls is for the local checker; with --url give --cert and --key");
  if (!flags.url && flags.ca === false) throw new UsageError("--no-ca needs --url: the local checker is always checked against its CA");
  if (flags.url && flags.mqtt !== true) return servers;
  const pki = await ensureDevPki(flags.pkiDir);
  for (const change of pki.changes) say(pc.dim(`dev PKI: ${change}`));
  const serverPki = { caPem: pki.caPem, serverCertPem: pki.serverCertPem, serverKeyPem: pki.serverKeyPem };
  if (!flags.url) {
    const checker = await startChecker({ pki: serverPki, requireClientCert: flags.mtls, ...checkerFlags(flags) });
    servers.closers.push(() => checker.close());
    say(pc.dim(`local checker on ${checker.url}${flags.mtls ? " (client certificate required)" : ""}`));
    servers.configFlags = { ...flags, url: checker.url, ca: flags.ca ?? pki.caPath };
    if (flags.mtls) servers.configFlags = { ...servers.configFlags, cert: flags.cert ?? pki.clientCertPath, key: flags.key ?? pki.clientKeyPath };
  }
  if (flags.mqtt === true) {
    const broker = await startEmbeddedBroker(serverPki);
    servers.broker = broker;
    servers.closers.push(() => broker.close());
    say(pc.dim(`own MQTT broker on ${broker.url} (mutual TLS: client certificates from the dev PKI's CA)`));
    servers.configFlags = ownBrokerFlags(servers.configFlags, flags, broker, pki);
  }
  return servers;
}

/**
 * Points the check's publishing at npm start's own broker: its CA, and, when
 * the user gave no certificate of their own, the dev PKI's client
 * certificate (the check's, with --mtls) under the client id "host-runtime".
 */
function ownBrokerFlags(configFlags: ConfigFlags, given: StartFlags, broker: EmbeddedBroker, pki: DevPki): ConfigFlags {
  const out: ConfigFlags = { ...configFlags, mqtt: broker.url, mqttCa: given.mqttCa ?? pki.caPath };
  if (given.cert === undefined && given.mqttCert === undefined && given.mqttKey === undefined) {
    if (configFlags.cert === undefined) {
      out.mqttCert = pki.clientCertPath;
      out.mqttKey = pki.clientKeyPath;
    }
    out.mqttClientId = given.mqttClientId ?? "host-runtime";
  }
  return out;
}

/** Subscribes on npm start's own broker to the device's topic and shows what arrives as the fleet view would. */
async function watchTopic(broker: EmbeddedBroker, topic: string, clientId: string): Promise<TopicWatch> {
  const view = new ReceivedView(topic, clientId);
  const watch: TopicWatch = { received: 0, arrival: Promise.resolve() };
  let arrived = () => {};
  watch.arrival = new Promise<void>((resolve) => (arrived = resolve));
  await broker.subscribe(topic, (message) => {
    watch.received++;
    say(pc.bold(`received on ${broker.url}, topic ${message.topic}:`));
    for (const line of view.record(message.topic, message.payload)) say("  " + line);
    arrived();
  });
  return watch;
}

/** What arrived on the watched topic: how many messages, and the first one's arrival. */
interface TopicWatch {
  received: number;
  arrival: Promise<void>;
}

/** How long to wait for a publish the RESULT says went through to reach the subscriber (it is in-process). */
const ARRIVAL_WAIT_MS = 2000;

async function check(flags: StartFlags, firmware: Firmware): Promise<number> {
  const servers = await startServers(flags);
  try {
    const resolved = resolveConfig(servers.configFlags);
    for (const warning of resolved.warnings) warn(warning);
    const configuredUrl = resolved.file?.settings.url;
    if (!flags.url && configuredUrl !== undefined) {
      say(`note: npm start checks its local checker, not the url in ${path.relative(process.cwd(), resolved.file!.path)}; to check that one: npm start -- --url ${configuredUrl}`);
    }
    const mqtt = resolved.config.mqtt;
    const watch = servers.broker && mqtt ? await watchTopic(servers.broker, mqtt.topic, mqtt.clientId) : null;
    const bundle = await buildBundle({ ...resolved.config, wifi: null });
    if (rejected(bundle)) {
      fail("the bundle uses JavaScript that Espruino cannot run:\n" + formatProblems(bundle.problems, "dist/app.js"));
      return EXIT.USAGE;
    }
    say(pc.dim(`bundle ${bundle.bytes} bytes; running it in the host runtime as ${firmwareTls(firmware).title}`));
    if (mqtt?.everyMs) say(pc.dim(`checking and publishing every ${mqtt.everyMs / 60_000} min; Ctrl-C stops`));
    const outcome = await runBundle(bundle.code, {
      firmware,
      // The RESULT line stays plain even with colour on: tools parse it.
      onLine: say,
      // Publishing takes a deadline of its own; with --every the program runs until stopped.
      timeoutMs: mqtt?.everyMs ? Number.MAX_SAFE_INTEGER : resolved.config.deadlineMs * (mqtt ? 3 : 2) + 10_000,
    });
    for (const handshake of outcome.handshakes) say(pc.dim(`negotiated with ${handshake.host}:${handshake.port}: ${describeHandshake(handshake)}`));
    const result = outcome.result;
    if (!result) {
      fail(outcome.timedOut ? "the program did not finish in time" : "the program ended without a RESULT line");
      return EXIT.CHECK_FAILED;
    }
    if (result.ok) {
      const reasons = ratingReasons(result);
      if (result.rating !== "Probably Okay" && reasons.length) say(`why "${result.rating}": ${reasons.join("; ")}`);
    }
    if (result.report) await tellPublished(result.report, watch);
    return exitCodeFor(result, flags.failOn);
  } finally {
    for (const close of servers.closers.reverse()) await close();
  }
}

/** One line on the publish (the RESULT's report), and on npm start's own broker, whether it arrived. */
async function tellPublished(report: PublishReport, watch: TopicWatch | null): Promise<void> {
  if (!report.published) {
    fail(`not published to ${report.broker}: ${report.error} ${report.detail}; ${report.hint}`);
    return;
  }
  say(`published to ${report.broker}, topic ${report.topic}, broker ${report.cert_verified ? "verified" : "NOT verified"}, ${report.ms} ms`);
  if (!watch) return;
  await Promise.race([watch.arrival, new Promise((resolve) => setTimeout(resolve, ARRIVAL_WAIT_MS).unref())]);
  if (watch.received === 0) fail(`nothing arrived on ${report.topic} within ${ARRIVAL_WAIT_MS / 1000} s`);
}

async function main(): Promise<number> {
  const command = program();
  command.parse();
  const flags = command.opts<StartFlags>();
  if (flags.serve) {
    if (command.getOptionValueSource("firmware") === "cli" || command.opts().stockTls) {
      throw new UsageError("--firmware and --stock-tls choose what the host runtime plays; --serve runs only the checker");
    }
    return serve(flags);
  }
  if (flags.host !== "127.0.0.1" || flags.port !== undefined || flags.san.length) throw new UsageError("--host, --port and --san go with --serve");
  return check(flags, chosenFirmware(command));
}

runMain(main);
