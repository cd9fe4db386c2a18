// npm run fleet: every device's latest RESULT, live, from the MQTT broker the
// devices publish to (over mutual TLS, the broker's CA pinned). A table in the
// terminal, JSON for machines, a web page with a history plot per device.
//   npm run fleet -- --broker mqtts://HOST:PORT --ca CA.pem --cert C.pem --key K.pem
//   npm run fleet -- ... --once 10 --json      collect for 10 s, print JSON, exit
// Exit codes: 0 all well, 3 a device failed its check, does not verify the
// server or is rated at or below --fail-on, 2 the broker cannot be reached or
// refuses us, 1 usage.
import { Command, InvalidArgumentError, Option } from "commander";
import pc from "picocolors";
import { wholeNumber } from "./lib/args.ts";
import { fail, runMain, say, warn } from "./lib/command.ts";
import { currentTime } from "./lib/clock.ts";
import { checkListenAddress } from "./lib/listen.ts";
import { EXIT } from "./lib/result.ts";
import { FleetTable, type DeviceRow } from "./fleet/devices.ts";
import { DEFAULT_PORT, DEFAULT_TOPIC, resolveFleetOptions, type FleetFlags, type FleetOptions } from "./fleet/options.ts";
import { BrokerError, subscribe, type Subscription } from "./fleet/subscription.ts";
import { LiveScreen, summaryLine, tableLines } from "./fleet/terminal.ts";
import { startWebView, type Snapshot, type WebView } from "./fleet/web.ts";

/** Malformed messages named one by one; after that, a count now and then. */
const MALFORMED_NAMED = 5;

function seconds(flag: string): (value: string) => number {
  return (value) => {
    if (!/^\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError(`${flag} takes a number of seconds, not "${value}"`);
    return Number(value);
  };
}

function program(): Command {
  return new Command("fleet")
    .description(
      "Watch the RESULTs a fleet of devices publishes to an MQTT broker (MQTT 3.1.1 over TLS, the broker's CA pinned): " +
        "a live table of devices, --json for machines, --web for a page with a history plot per device. " +
        "Exit codes: 0 all well, 3 a device failed its check, does not verify the server or is rated at or below --fail-on, " +
        "2 the broker cannot be reached or refuses us, 1 usage error. The MQTT password comes from MQTT_PASSWORD.",
    )
    .option("--broker <url>", `the broker, mqtts://HOST[:PORT] (port ${DEFAULT_PORT} by default; plain mqtt:// is refused)`)
    .option("--topic <filter>", "topic filter; the device id is the level its + matches", DEFAULT_TOPIC)
    .option("--ca <file>", "PEM file of the broker's CA, pinned (default: the development CA in .dev-pki/, when there is one)")
    .option("--cert <file>", "our client certificate (PEM) for mutual TLS (default with the development CA: its client certificate)")
    .option("--key <file>", "its private key (PEM, unencrypted)")
    .option("--username <name>", "MQTT user name (the password, if any, from MQTT_PASSWORD)")
    .option("--client-id <id>", "MQTT client id (default: tls-check-fleet- and six random hex digits)")
    .option("--json", "JSON instead of the table: one document at the end with --once, else one line per update")
    .addOption(new Option("--once <seconds>", "collect for this long, print, and exit with the fleet's exit code").argParser(seconds("--once")))
    .addOption(new Option("--expect <n>", "with --once: stop as soon as this many devices have reported (exit 3 if fewer did)").argParser(wholeNumber("--expect")))
    .addOption(new Option("--fail-on <rating>", "mark devices rated this or worse, and exit 3 for them").choices(["improvable", "bad", "none"]).default("bad"))
    .addOption(new Option("--web <port>", "also serve the live table as a web page on this port (0: any free one)").argParser(wholeNumber("--web")))
    .option("--web-host <addr>", "--web: address to listen on", "127.0.0.1");
}

/** A status line: on the live screen when there is one, else on standard error. */
type Status = (text: string) => void;

/** Why the fleet is not all well (for exit 3), or null. */
function verdict(rows: DeviceRow[], options: FleetOptions): string | null {
  const marked = rows.filter((row) => row.attention.length > 0);
  const problems: string[] = [];
  if (options.expect !== null && rows.length < options.expect) problems.push(`only ${rows.length} of ${options.expect} expected devices reported`);
  if (marked.length) {
    const named = marked.slice(0, 5).map((row) => `${row.id} (${row.attention.map((reason) => (reason === "rating" ? `rated ${row.rating}` : reason)).join(", ")})`);
    problems.push(`${marked.length} device${marked.length === 1 ? " needs" : "s need"} a look: ${named.join(", ")}${marked.length > 5 ? ", ..." : ""}`);
  }
  return problems.length ? problems.join("; ") : null;
}

/** The table, and how each message, connection change and the end are shown. */
class Session {
  readonly table: FleetTable;
  readonly screen: LiveScreen | null;
  web: WebView | null = null;
  status: Status;
  private stop: () => void = () => {};
  /** Resolves at the end of --once, when --expect is met, or on Ctrl-C. */
  readonly stopped = new Promise<void>((resolve) => (this.stop = resolve));

  constructor(
    readonly options: FleetOptions,
    status: Status,
    useScreen: boolean,
  ) {
    this.table = new FleetTable(options.topic, options.failOn);
    const c = pc.createColors(pc.isColorSupported);
    this.screen = useScreen ? new LiveScreen(process.stdout, c, () => ({ ...this.counts(), rows: this.table.rows(), now: currentTime() })) : null;
    this.status = this.screen ? (text) => this.screen!.note(text) : status;
  }

  counts() {
    return { messages: this.table.summary().messages, malformed: this.table.malformedSummary() };
  }

  end(): void {
    this.stop();
  }

  message(topic: string, payload: Buffer): void {
    const update = this.table.record(topic, payload, currentTime());
    const { messages, malformed } = this.counts();
    if (update.kind === "malformed") {
      if (malformed.count <= MALFORMED_NAMED || malformed.count % 100 === 0) this.status(`malformed message ${malformed.count} on ${update.message.topic}: ${update.message.reason}`);
      if (this.options.json && this.options.onceSeconds === null) say(JSON.stringify({ event: "malformed", message: update.message, count: malformed.count }));
      this.web?.malformed(malformed, messages);
      return;
    }
    if (this.options.json && this.options.onceSeconds === null) say(JSON.stringify({ event: "device", device: update.row }));
    this.screen?.update(update.row);
    this.web?.device({ row: update.row, history: update.history }, messages);
    if (this.options.expect !== null && this.table.size === this.options.expect) {
      this.status(`all ${this.options.expect} expected devices have reported`);
      this.stop();
    }
  }

  connection(lost: string | null): void {
    this.status(lost === null ? `reconnected to ${this.options.broker.name}` : `lost the broker connection (${lost}); reconnecting every few seconds`);
    this.web?.connection(lost === null, lost === null ? "live" : "broker connection lost; reconnecting");
  }

  snapshot(connected: boolean): Snapshot {
    const { messages, malformed } = this.counts();
    const devices = this.table.rows().map((row) => ({ row, history: this.table.history(row.id) }));
    return { broker: this.options.broker.name, topic: this.options.topic, failOn: this.options.failOn, connected, messages, devices, malformed };
  }
}

/** Waits for the end: --once's time, --expect met, Ctrl-C or SIGTERM. */
async function untilEnd(session: Session): Promise<void> {
  const { onceSeconds } = session.options;
  const end = () => session.end();
  const timer = onceSeconds === null ? null : setTimeout(end, onceSeconds * 1000);
  process.once("SIGINT", end);
  process.once("SIGTERM", end);
  await session.stopped;
  if (timer) clearTimeout(timer);
  process.removeListener("SIGINT", end);
  process.removeListener("SIGTERM", end);
}

/** Connects, collects until the end, and returns the exit code. */
async function watch(options: FleetOptions, status: Status, useScreen: boolean): Promise<number> {
  const session = new Session(options, status, useScreen);
  session.status(`connecting to mqtts://${options.broker.name} as ${options.clientId}`);
  let subscription: Subscription;
  try {
    subscription = await subscribe(options, { message: (topic, payload) => session.message(topic, payload), connection: (lost) => session.connection(lost) });
  } catch (error) {
    session.screen?.close();
    if (!(error instanceof BrokerError)) throw error;
    fail(error.message);
    return EXIT.CHECK_FAILED;
  }
  let connected = true;
  try {
    if (options.web) {
      session.web = await startWebView(options.web.host, options.web.port, () => session.snapshot(subscription.connected));
      session.status(`fleet page: ${session.web.url}`);
    }
    const until = options.onceSeconds === null ? "Ctrl-C stops" : `collecting for ${options.onceSeconds} s`;
    session.status(`subscribed to ${options.topic} at ${options.broker.name}; waiting for devices (${until})`);
    await untilEnd(session);
  } finally {
    session.screen?.close();
    connected = subscription.connected;
    await subscription.close();
    await session.web?.close();
  }
  if (!connected) {
    fail(`the connection to the broker at ${options.broker.name} was down at the end: devices that reported meanwhile are missing`);
    return EXIT.CHECK_FAILED;
  }
  return finish(session);
}

/** The final output (JSON document, or the table and a summary) and the exit code. */
function finish(session: Session): number {
  const { options, table } = session;
  const rows = table.rows();
  const summary = table.summary();
  if (options.json && options.onceSeconds !== null) {
    const document = { broker: options.broker.name, topic: options.topic, seconds: options.onceSeconds, fail_on: options.failOn, summary, devices: rows, malformed: table.malformedSummary() };
    say(JSON.stringify(document, null, 2));
  } else if (!options.json && !session.screen) {
    const c = pc.createColors(pc.isColorSupported);
    if (options.onceSeconds !== null) for (const text of tableLines(rows, c, currentTime())) say(text);
    session.status(summaryLine(rows, summary.messages, table.malformedSummary(), c));
  }
  if (summary.messages === 0) {
    // Mosquitto grants a subscription its ACL then filters: silence may be the ACL's.
    session.status(`no message arrived: devices publish after each check; if some did, check that the broker lets ${options.username ?? "our certificate's identity"} read ${options.topic}`);
  }
  const why = verdict(rows, options);
  if (why) session.status(why);
  return why ? EXIT.RATING : EXIT.OK;
}

async function main(): Promise<number> {
  const command = program();
  command.parse();
  const { options, warnings, notes } = resolveFleetOptions(command.opts<FleetFlags>(), process.env, currentTime());
  for (const text of warnings) warn(text);
  const status: Status = (text) => process.stderr.write(pc.dim(text) + "\n");
  for (const text of notes) status(text);
  if (options.web) await checkListenAddress(options.web.host, options.web.port, { hostFlag: "--web-host", portFlag: "--web" });
  // Redrawn in place only on a terminal, and only for the table.
  return watch(options, status, !options.json && process.stdout.isTTY === true);
}

runMain(main);
