// npm start: the main job on a machine with no board. Builds the app, starts
// the local howsmyssl-compatible checker on loopback, runs the bundle in the
// host runtime pinned to the development CA, prints the report and exits
// 0 (check completed), 2 (check failed), 1 (usage), 3 (rating at --fail-on or worse).
//   npm start -- --firmware wolfssl|mbedtls|stock          which firmware's TLS the host runtime plays
//   npm start -- --url URL --ca FILE [--cert F --key F]   check any endpoint
//   npm start -- --serve [--host ADDR] [--port N]          only the checker, for a real board
import os from "node:os";
import path from "node:path";
import { Command, Option } from "commander";
import pc from "picocolors";
import { ensureDevPki, validateSan } from "./checker/dev-pki.ts";
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

interface StartFlags extends ConfigFlags {
  serve?: boolean;
  host: string;
  port?: number;
  san: string[];
  failOn?: FailOn;
  mtls?: boolean;
}

function program(): Command {
  const command = addConfigOptions(
    new Command("start")
      .description(
        "Run the TLS health check without a board: the real bundle in the host runtime against the local checker " +
          "(default), or against any endpoint with --url and --ca. Exit codes: 0 completed, 2 check failed, 1 usage error, 3 rating at --fail-on or worse.",
      )
      .addOption(new Option("--fail-on <rating>", "exit 3 when the rating is this or worse").choices(["improvable", "bad"]))
      .option("--mtls", "local checker only: require a client certificate and present the development one")
      .option("--serve", "only run the checker, for a real device on the network; prints the CA to pin")
      .option("--host <addr>", "--serve: address to listen on", "127.0.0.1")
      .addOption(new Option("--port <n>", "--serve: port to listen on (default 8443)").argParser(wholeNumber("--port")))
      .option("--san <name>", "--serve: extra host name or IP address for the server certificate (repeatable)", (value: string, all: string[]) => [...all, value], []),
    {
      url: "check this endpoint instead of the local checker (default: the local checker; the configuration's url is not used)",
      ca: "PEM file of the CA to pin (default: the local checker's CA; with --url: the configuration's, else certs/isrg-root-x1.pem)",
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
  const pki = await ensureDevPki(undefined, sans);
  for (const change of pki.changes) say(pc.dim(`dev PKI: ${change}`));
  const checker = await startChecker({
    host,
    port,
    pki: { caPem: pki.caPem, serverCertPem: pki.serverCertPem, serverKeyPem: pki.serverKeyPem },
    requireClientCert: flags.mtls,
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

async function check(flags: StartFlags, firmware: Firmware): Promise<number> {
  let closeChecker: (() => Promise<void>) | null = null;
  let configFlags: ConfigFlags = flags;
  try {
    if (!flags.url) {
      if (flags.ca === false) throw new UsageError("--no-ca needs --url: the local checker is always checked against its CA");
      const pki = await ensureDevPki();
      for (const change of pki.changes) say(pc.dim(`dev PKI: ${change}`));
      const checker = await startChecker({
        pki: { caPem: pki.caPem, serverCertPem: pki.serverCertPem, serverKeyPem: pki.serverKeyPem },
        requireClientCert: flags.mtls,
      });
      closeChecker = () => checker.close();
      say(pc.dim(`local checker on ${checker.url}${flags.mtls ? " (client certificate required)" : ""}`));
      configFlags = { ...flags, url: checker.url, ca: flags.ca ?? pki.caPath };
      if (flags.mtls) configFlags = { ...configFlags, cert: flags.cert ?? pki.clientCertPath, key: flags.key ?? pki.clientKeyPath };
    } else if (flags.mtls) {
      throw new UsageError("--mtls is for the local checker; with --url give --cert and --key");
    }
    const resolved = resolveConfig(configFlags);
    for (const warning of resolved.warnings) warn(warning);
    const configuredUrl = resolved.file?.settings.url;
    if (!flags.url && configuredUrl !== undefined) {
      say(`note: npm start checks its local checker, not the url in ${path.relative(process.cwd(), resolved.file!.path)}; to check that one: npm start -- --url ${configuredUrl}`);
    }
    const bundle = await buildBundle({ ...resolved.config, wifi: null });
    if (rejected(bundle)) {
      fail("the bundle uses JavaScript that Espruino cannot run:\n" + formatProblems(bundle.problems, "dist/app.js"));
      return EXIT.USAGE;
    }
    say(pc.dim(`bundle ${bundle.bytes} bytes; running it in the host runtime as ${firmwareTls(firmware).title}`));
    const outcome = await runBundle(bundle.code, {
      firmware,
      // The RESULT line stays plain even with colour on: tools parse it.
      onLine: say,
      timeoutMs: resolved.config.deadlineMs * 2 + 10_000,
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
    return exitCodeFor(result, flags.failOn);
  } finally {
    if (closeChecker) await closeChecker();
  }
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
