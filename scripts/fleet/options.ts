// The fleet view's settings: the broker URL (MQTT over TLS only), the topic
// filter, the pinned CA and the client certificate (read and checked like the
// device's), the MQTT password from the environment. Every mistake is a
// UsageError that names the flag.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { defaultPkiDir, FILES } from "../checker/dev-pki.ts";
import { checkClientCertificate, checkTrustAnchor } from "../certs/checks.ts";
import { MQTT_DEFAULTS } from "../../app/config.ts";
import { type BrokerAddress as SharedBrokerAddress, parseBrokerUrl as parseSharedBrokerUrl } from "../lib/broker-url.ts";
import { UsageError } from "../lib/command.ts";
import type { FailOn } from "../lib/result.ts";

export const DEFAULT_TOPIC = "espruino-tls-check/+/result";
export const DEFAULT_PORT = MQTT_DEFAULTS.port;

/** What commander hands over. */
export interface FleetFlags {
  broker?: string;
  topic: string;
  ca?: string;
  cert?: string;
  key?: string;
  username?: string;
  clientId?: string;
  json?: boolean;
  once?: number;
  expect?: number;
  failOn: FailOn | "none";
  web?: number;
  webHost: string;
}

export interface BrokerAddress extends SharedBrokerAddress {
  /** host:port, for messages. */
  name: string;
}

export interface FleetOptions {
  broker: BrokerAddress;
  topic: string;
  /** PEM texts; the CA is always pinned. */
  ca: string;
  cert?: string;
  key?: string;
  /** The files they came from, for messages. */
  files: { ca: string; cert?: string };
  clientId: string;
  username?: string;
  /** A secret: never printed. */
  password?: string;
  json: boolean;
  onceSeconds: number | null;
  expect: number | null;
  failOn: FailOn | null;
  web: { host: string; port: number } | null;
}

/** `mqtts://HOST[:PORT]` -> host and port (the tools' rules, scripts/lib/broker-url.ts); anything else is a usage error. */
export function parseBrokerUrl(text: string): BrokerAddress {
  const address = parseSharedBrokerUrl(text);
  // A URL that carries a password is not repeated: the message would print it.
  if (typeof address === "string") throw new UsageError(`--broker ${text.replace(/\/\/[^/@]*@/, "//***@")}: ${address}`);
  return { ...address, name: `${net.isIPv6(address.host) ? `[${address.host}]` : address.host}:${address.port}` };
}

/** Why `filter` is not an MQTT 3.1.1 topic filter, or null when it is one. */
export function topicFilterProblem(filter: string): string | null {
  if (!filter) return "must not be empty";
  if (filter.includes("\0")) return "must not contain a NUL character";
  if (Buffer.byteLength(filter) > 65535) return "is longer than 65,535 bytes";
  const levels = filter.split("/");
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    if (level.includes("#") && (level !== "#" || i !== levels.length - 1)) return '"#" must be a whole level, and the last';
    if (level.includes("+") && level !== "+") return '"+" must be a whole level';
  }
  return null;
}

function readFile(flag: string, file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag} ${file}: ${code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (error as Error).message}`);
  }
}

/** The CA and client certificate files: as given, else the development PKI's when it exists (and the CA was not given). */
function tlsFiles(flags: FleetFlags): { ca: string; cert?: string; key?: string; fromDevPki: boolean } {
  if (Boolean(flags.cert) !== Boolean(flags.key)) throw new UsageError("--cert and --key go together (the client certificate and its private key)");
  if (flags.ca) return { ca: flags.ca, cert: flags.cert, key: flags.key, fromDevPki: false };
  const dir = defaultPkiDir();
  const ca = path.join(dir, FILES.ca);
  if (!fs.existsSync(ca)) {
    throw new UsageError("--ca FILE is required: the fleet view pins the broker's CA (with none given it uses the development CA, .dev-pki/ca.pem, which does not exist yet)");
  }
  if (flags.cert) return { ca, cert: flags.cert, key: flags.key, fromDevPki: true };
  return { ca, cert: path.join(dir, FILES.client), key: path.join(dir, FILES.clientKey), fromDevPki: true };
}

function positive(flag: string, value: number | undefined, max: number): number | null {
  if (value === undefined) return null;
  if (!Number.isFinite(value) || value <= 0 || value > max) throw new UsageError(`${flag} takes a number from 1 to ${max}, not ${value}`);
  return value;
}

/**
 * The settings from the flags and the environment (MQTT_PASSWORD) at `now`
 * (certificate validity). Returns warnings (a CA near its end) to show.
 */
export function resolveFleetOptions(flags: FleetFlags, env: NodeJS.ProcessEnv, now: Date): { options: FleetOptions; warnings: string[]; notes: string[] } {
  if (!flags.broker) throw new UsageError("--broker mqtts://HOST[:PORT] is required");
  const broker = parseBrokerUrl(flags.broker);
  const topicProblem = topicFilterProblem(flags.topic);
  if (topicProblem) throw new UsageError(`--topic ${JSON.stringify(flags.topic)}: ${topicProblem}`);
  const onceSeconds = positive("--once", flags.once, 86_400);
  const expect = positive("--expect", flags.expect, 1_000_000);
  if (expect !== null && onceSeconds === null) throw new UsageError("--expect goes with --once (it ends the collection early once that many devices have reported)");
  const password = env.MQTT_PASSWORD || undefined;
  if (password !== undefined && !flags.username) throw new UsageError("MQTT_PASSWORD is set but --username is not: MQTT 3.1.1 sends a password only with a user name");
  if (flags.clientId !== undefined && !flags.clientId) throw new UsageError("--client-id must not be empty");
  if (flags.web !== undefined && (flags.web < 0 || flags.web > 65535)) throw new UsageError(`--web takes a port from 0 to 65535 (0: any free one), not ${flags.web}`);

  const files = tlsFiles(flags);
  const warnings: string[] = [];
  const notes: string[] = [];
  const ca = readFile("--ca", files.ca);
  const anchor = checkTrustAnchor(ca, now, { allowSelfSignedLeaf: true });
  if (anchor.errors.length) throw new UsageError(`--ca ${files.ca}: ${anchor.errors.join("; ")}`);
  warnings.push(...anchor.warnings.map((text) => `--ca ${files.ca}: ${text}`));
  let cert: string | undefined;
  let key: string | undefined;
  if (files.cert && files.key) {
    cert = readFile("--cert", files.cert);
    key = readFile("--key", files.key);
    const client = checkClientCertificate(cert, key, now);
    if (client.errors.length) throw new UsageError(`--cert ${files.cert}: ${client.errors.join("; ")}`);
    warnings.push(...client.warnings.map((text) => `--cert ${files.cert}: ${text}`));
  }
  if (files.fromDevPki) notes.push(`no --ca given: pinning the development CA ${path.relative(process.cwd(), files.ca)}${cert && !flags.cert ? " with its client certificate" : ""}`);

  const options: FleetOptions = {
    broker,
    topic: flags.topic,
    ca,
    cert,
    key,
    files: { ca: files.ca, cert: files.cert },
    // Unique, so that two fleet views do not push each other off the broker; within MQTT 3.1.1's 23 characters.
    clientId: flags.clientId ?? `tls-check-fleet-${randomBytes(3).toString("hex")}`,
    username: flags.username,
    password,
    json: Boolean(flags.json),
    onceSeconds,
    expect,
    failOn: flags.failOn === "none" ? null : flags.failOn,
    web: flags.web === undefined ? null : { host: flags.webHost, port: flags.web },
  };
  return { options, warnings, notes };
}
