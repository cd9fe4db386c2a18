// The app's configuration on the host: read from app.config.json (or
// --config), WIFI_SSID / WIFI_PASSWORD / MQTT_PASSWORD in the environment, and flags, in that
// order of precedence (flags win); validated, certificates checked and turned
// into the compact form the bundle embeds (base64 of the DER).
//
// The keys, their types and ranges are described once, in the JSON Schema
// app.config.schema.json (editors complete and check app.config.json with
// it); ajv applies it here to the file and to the merged settings, so a flag
// is held to the same rules as the key it overrides. Every message names the
// key and its flag (or variable), and never shows a secret's value.
import fs from "node:fs";
import path from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import ajvErrors from "ajv-errors";
import { Command, Option } from "commander";
import { DEFAULTS, type AppConfig } from "../../app/config.ts";
import { REPO_ROOT } from "../lib/paths.ts";
import { decimalNumber, wholeNumber } from "../lib/args.ts";
import { BROKER_KEYS, type BrokerSettings, resolveBroker } from "./broker.ts";
import { resolveCa, resolveClientCertificate } from "./certificates.ts";
import { MQTT_PROFILES } from "./mqtt-profiles.ts";
import { currentTime } from "../lib/clock.ts";

export const DEFAULT_CONFIG_FILE = path.join(REPO_ROOT, "app.config.json");
export const DEFAULT_CA_FILE = path.join(REPO_ROOT, "certs", "isrg-root-x1.pem");
export const CONFIG_SCHEMA_FILE = path.join(REPO_ROOT, "app.config.schema.json");

/** Every problem found, one per line: the caller prints them and exits 1. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
  }
}

/** The keys app.config.json may hold (paths are relative to the file); app.config.schema.json describes them. */
export interface ConfigFile extends BrokerSettings {
  url?: string;
  ca?: string | null;
  cert?: string | null;
  key?: string | null;
  wifiSsid?: string;
  wifiPassword?: string;
  wifiTimeoutMs?: number;
  wifiAttempts?: number;
  ntpServer?: string;
  deadlineMs?: number;
  bodyCap?: number;
  probe?: boolean;
}

type Key = keyof ConfigFile;

/** The flag (and environment variable) that set each key: messages name them. */
export const KEY_SOURCES: Record<Key, { flag: string; env?: string }> = {
  url: { flag: "--url" },
  ca: { flag: "--ca" },
  cert: { flag: "--cert" },
  key: { flag: "--key" },
  wifiSsid: { flag: "--wifi-ssid", env: "WIFI_SSID" },
  wifiPassword: { flag: "--wifi-password", env: "WIFI_PASSWORD" },
  wifiTimeoutMs: { flag: "--wifi-timeout" },
  wifiAttempts: { flag: "--wifi-attempts" },
  ntpServer: { flag: "--ntp-server" },
  deadlineMs: { flag: "--deadline" },
  bodyCap: { flag: "--body-cap" },
  probe: { flag: "--no-probe" },
  mqtt: { flag: "--mqtt" },
  mqttCa: { flag: "--mqtt-ca" },
  mqttCert: { flag: "--mqtt-cert" },
  mqttKey: { flag: "--mqtt-key" },
  mqttClientId: { flag: "--mqtt-client-id" },
  mqttUsername: { flag: "--mqtt-username" },
  mqttPassword: { flag: "--mqtt-password", env: "MQTT_PASSWORD" },
  mqttTopic: { flag: "--mqtt-topic" },
  mqttProfile: { flag: "--mqtt-profile" },
  every: { flag: "--every" },
};

/** Keys whose values are secrets: never shown in a message. */
const SECRET_KEYS: ReadonlySet<Key> = new Set(["wifiPassword", "key", "mqttPassword", "mqttKey"]);

/** What commander hands over from the options addConfigOptions() defines (the broker's under their keys' names). */
export interface ConfigFlags extends Omit<BrokerSettings, "mqtt" | "mqttCa"> {
  config?: string;
  url?: string;
  ca?: string | false;
  cert?: string;
  key?: string;
  wifiSsid?: string;
  wifiPassword?: string;
  wifiTimeout?: number;
  wifiAttempts?: number;
  ntpServer?: string;
  deadline?: number;
  bodyCap?: number;
  probe?: boolean;
  /** true: --mqtt without a URL (npm start's own broker; a problem elsewhere). */
  mqtt?: string | true;
  mqttCa?: string;
}

/** The flags' values under the keys they override (--no-ca is ca: null). */
function flagSettings(flags: ConfigFlags): ConfigFile {
  const out: ConfigFile = {
    url: flags.url,
    ca: flags.ca === false ? null : flags.ca,
    cert: flags.cert,
    key: flags.key,
    wifiSsid: flags.wifiSsid,
    wifiPassword: flags.wifiPassword,
    wifiTimeoutMs: flags.wifiTimeout,
    wifiAttempts: flags.wifiAttempts,
    ntpServer: flags.ntpServer,
    deadlineMs: flags.deadline,
    bodyCap: flags.bodyCap,
    probe: flags.probe === false ? false : undefined,
    mqtt: typeof flags.mqtt === "string" ? flags.mqtt : undefined,
    mqttCa: flags.mqttCa,
    mqttCert: flags.mqttCert,
    mqttKey: flags.mqttKey,
    mqttClientId: flags.mqttClientId,
    mqttUsername: flags.mqttUsername,
    mqttPassword: flags.mqttPassword,
    mqttTopic: flags.mqttTopic,
    mqttProfile: flags.mqttProfile,
    every: flags.every,
  };
  return Object.fromEntries(Object.entries(out).filter(([, value]) => value !== undefined)) as ConfigFile;
}

/** Help texts a command may tell differently (npm start checks its local checker by default). */
export interface ConfigHelp {
  url?: string;
  ca?: string;
  mqtt?: string;
}

/** Adds the configuration flags shared by build, start and upload. */
export function addConfigOptions(command: Command, help: ConfigHelp = {}): Command {
  return command
    .option("--config <file>", "configuration file (default: app.config.json if present; app.config.schema.json describes it)")
    .option("--url <url>", help.url ?? `the check URL (default ${DEFAULTS.url})`)
    .option("--ca <file>", help.ca ?? "PEM file of the CA to pin (default certs/isrg-root-x1.pem)")
    .option("--no-ca", "pin no CA: the server is not authenticated (testing only)")
    .option("--cert <file>", "client certificate (PEM) for mutual TLS")
    .option("--key <file>", "client private key (PEM, unencrypted) for mutual TLS")
    .option("--wifi-ssid <ssid>", "Wi-Fi network to join (or WIFI_SSID)")
    .option("--wifi-password <password>", "Wi-Fi password (prefer WIFI_PASSWORD: flags show in the process list)")
    .addOption(new Option("--wifi-timeout <ms>", "time for one Wi-Fi join attempt").argParser(wholeNumber("--wifi-timeout")))
    .addOption(new Option("--wifi-attempts <n>", "Wi-Fi join attempts").argParser(wholeNumber("--wifi-attempts")))
    .option("--ntp-server <host>", `SNTP server for the device clock (default ${DEFAULTS.ntpServer})`)
    .addOption(new Option("--deadline <ms>", "time allowed for the whole HTTPS exchange").argParser(wholeNumber("--deadline")))
    .addOption(new Option("--body-cap <bytes>", "largest response body accepted").argParser(wholeNumber("--body-cap")))
    .option("--no-probe", "skip the certificate verification probe")
    .option("--mqtt [url]", help.mqtt ?? "publish each RESULT to this MQTT broker over mutual TLS, mqtts://HOST[:PORT] (port 8883 by default)")
    .option("--mqtt-ca <file>", "PEM file of the broker's CA to pin, or none (default: the profile's root, else the check's CA)")
    .option("--mqtt-cert <file>", "client certificate for the broker (default: --cert)")
    .option("--mqtt-key <file>", "its private key (default: --key)")
    .option("--mqtt-client-id <id>", "MQTT client id (default: the client certificate's common name)")
    .option("--mqtt-username <name>", "MQTT user name (azure-iot-hub: set from the host and client id)")
    .option("--mqtt-password <password>", "MQTT password or SAS token (prefer MQTT_PASSWORD: flags show in the process list)")
    .option("--mqtt-topic <topic>", "topic to publish to (default: espruino-tls-check/<client id>/result, or the profile's)")
    .addOption(new Option("--mqtt-profile <name>", "what the broker expects: " + profileHelp()).choices(Object.keys(MQTT_PROFILES)))
    .addOption(new Option("--every <minutes>", "check and publish again every so many minutes, for as long as the device runs").argParser(decimalNumber("--every")));
}

function profileHelp(): string {
  return Object.entries(MQTT_PROFILES)
    .map(([name, profile]) => `${name} (${profile.title})`)
    .join("; ");
}

export interface ResolvedConfig {
  config: AppConfig;
  /** Things worth saying that do not stop the build. */
  warnings: string[];
  /** One line per setting that matters, for the build's summary (never a secret). */
  summary: string[];
  /** The configuration file that was read (null: none), and the valid keys it set. */
  file: { path: string; settings: ConfigFile } | null;
}

// ---------------------------------------------------------------- schema

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true, strictTuples: false });
// ajv-errors is CommonJS: under NodeNext its default export is the module object, whose .default is the plugin.
ajvErrors.default(ajv);
const validateSettings = ajv.compile<ConfigFile>(JSON.parse(fs.readFileSync(CONFIG_SCHEMA_FILE, "utf8")));

const TYPE_WORDS: Record<string, string> = { string: "a string", integer: "a whole number", number: "a number", boolean: "true or false", null: "null" };

/** ajv's complaint in words a user acts on. */
function schemaMessage(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "type":
      return `must be ${String(params.type).split(",").map((type) => TYPE_WORDS[type] ?? type).join(" or ")}`;
    case "minimum":
      return `must be at least ${String(params.limit)}`;
    case "maximum":
      return `must be at most ${String(params.limit)}`;
    case "exclusiveMinimum":
      return `must be more than ${String(params.limit)}`;
    case "enum":
      return `must be one of ${(params.allowedValues as unknown[]).map(String).join(", ")}`;
    case "minLength":
      return "must not be empty";
    case "maxLength":
      return `must be at most ${String(params.limit)} characters`;
    default:
      return error.message ?? "is not valid";
  }
}

/** The key an error is about ("" for the whole object). */
function errorKey(error: ErrorObject): string {
  if (error.keyword === "additionalProperties") return String((error.params as { additionalProperty: string }).additionalProperty);
  if (error.keyword === "errorMessage") return errorKey((error.params as { errors: ErrorObject[] }).errors[0]);
  return error.instancePath.split("/")[1] ?? "";
}

/** Each invalid key once, with the first thing wrong with it. */
function schemaProblems(settings: object): Map<string, string> {
  const out = new Map<string, string>();
  if (validateSettings(settings)) return out;
  for (const error of validateSettings.errors ?? []) {
    const key = errorKey(error);
    if (out.has(key)) continue;
    out.set(key, error.keyword === "additionalProperties" ? "is not a known key" : schemaMessage(error));
  }
  return out;
}

/** The value, for a message: only when it is not a secret, and short. */
function shown(key: string, value: unknown): string {
  if (SECRET_KEYS.has(key as Key)) return "";
  const text = JSON.stringify(value);
  return text !== undefined && text.length <= 60 ? ` (got ${text})` : "";
}

// ---------------------------------------------------------------- layers

type Origin = "default" | "file" | "env" | "flag";

/** Where each key's value came from, to name it in a message the way the user set it. */
class Origins {
  private readonly origin = new Map<Key, Origin>();

  constructor(private readonly fileShown: string) {}

  set(key: Key, origin: Origin): void {
    this.origin.set(key, origin);
  }

  /** e.g. "--deadline (deadlineMs)", "WIFI_SSID (wifiSsid)", "app.config.json: url (--url)". */
  name(key: Key): string {
    const sources = KEY_SOURCES[key];
    switch (this.origin.get(key) ?? "default") {
      case "flag":
        return `${sources.flag} (${key})`;
      case "env":
        return `${sources.env} (${key})`;
      case "file":
        return `${this.fileShown}: ${key} (${sources.flag})`;
      default:
        return `${key} (${sources.flag})`;
    }
  }
}

/** A path as messages show it: relative when it is under the current folder. */
function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith("..") ? relative : file;
}

/** The file's valid keys; those the schema refuses go to `rejected`, with a problem each. */
function readConfigFile(file: string, explicit: boolean, problems: string[], rejected: Set<string>): ConfigFile | null {
  if (!fs.existsSync(file)) {
    if (explicit) problems.push(`configuration file ${file} does not exist`);
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    problems.push(`${file} is not valid JSON: ${(error as Error).message}`);
    return null;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    problems.push(`${file} must hold a JSON object`);
    return null;
  }
  const shownFile = shownPath(file);
  const invalid = schemaProblems(parsed);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (key.startsWith("//") || key === "$schema") continue;
    const problem = invalid.get(key);
    if (problem === undefined) {
      out[key] = value;
    } else if (key in KEY_SOURCES) {
      rejected.add(key);
      problems.push(`${shownFile}: ${key} (${KEY_SOURCES[key as Key].flag}) ${problem}${shown(key, value)}`);
    } else {
      problems.push(`${shownFile}: unknown key ${JSON.stringify(key)}; known: ${Object.keys(KEY_SOURCES).join(", ")}`);
    }
  }
  if (invalid.has("")) problems.push(`${shownFile}: ${invalid.get("")}`);
  // Paths in the file are relative to it.
  for (const key of ["ca", "cert", "key", "mqttCa", "mqttCert", "mqttKey"] as const) {
    const value = out[key];
    if (typeof value === "string" && value !== "none") out[key] = path.resolve(path.dirname(file), value);
  }
  return out as ConfigFile;
}

/** The layers merged, with each key's origin; flag and environment values held to the schema (those it rejects go to `rejected`). */
function mergeLayers(file: ConfigFile, flags: ConfigFlags, env: NodeJS.ProcessEnv, origins: Origins, problems: string[], rejected: Set<string>): ConfigFile {
  const layers: Array<[Origin, ConfigFile]> = [
    ["file", file],
    ["env", { wifiSsid: env.WIFI_SSID, wifiPassword: env.WIFI_PASSWORD, mqttPassword: env.MQTT_PASSWORD || undefined }],
    ["flag", flagSettings(flags)],
  ];
  const merged: Record<string, unknown> = {};
  for (const [origin, values] of layers) {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) continue;
      merged[key] = value;
      origins.set(key as Key, origin);
    }
  }
  for (const [key, problem] of schemaProblems(merged)) {
    if (!(key in KEY_SOURCES)) continue;
    problems.push(`${origins.name(key as Key)} ${problem}${shown(key, merged[key])}`);
    rejected.add(key);
    delete merged[key];
  }
  return merged as ConfigFile;
}

// ---------------------------------------------------------------- checks

/** What the schema cannot say about a URL: Espruino's url.parse and a real port. */
function checkUrl(text: string, where: string, problems: string[]): void {
  const authority = /^https:\/\/([^/?#]*)/.exec(text)?.[1];
  if (authority === "") {
    problems.push(`${where} has no host name: write it as https://HOST/PATH`);
    return;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    problems.push(`${where} "${text}" is not a URL`);
    return;
  }
  if (url.protocol !== "https:") problems.push(`${where} must start with https:// (got ${url.protocol})`);
  if (url.hostname.startsWith("[")) problems.push(`${where}: Espruino's url.parse cannot read IPv6 literals; use a host name`);
  if (url.username || url.password) problems.push(`${where} must not carry a user name or password`);
  if (url.hostname.length > 127) problems.push(`${where}: host names longer than 127 characters do not fit Espruino's buffer`);
  if (url.port === "0") problems.push(`${where}: port 0 is not a port a server listens on`);
  if (url.hash) problems.push(`${where} must not have a #fragment`);
  if (!text.startsWith("https://" + url.host)) problems.push(`${where}: write it plainly as https://${url.host}${url.pathname}${url.search}`);
}

/**
 * Merges defaults, the configuration file, the environment and flags; checks
 * everything at `now` and collects every problem before giving up.
 */
export function resolveConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env, now: Date = currentTime()): ResolvedConfig {
  const out = { problems: [] as string[], warnings: [] as string[], summary: [] as string[] };
  const problems = out.problems;
  const filePath = flags.config ? path.resolve(flags.config) : DEFAULT_CONFIG_FILE;
  const rejected = new Set<string>();
  const fileSettings = readConfigFile(filePath, flags.config !== undefined, problems, rejected);
  const origins = new Origins(shownPath(filePath));
  const settings = mergeLayers(fileSettings ?? {}, flags, env, origins, problems, rejected);

  const url = settings.url ?? DEFAULTS.url;
  checkUrl(url, origins.name("url"), problems);
  out.summary.push(`url          ${url}`);

  // The CA: "none" or null (--no-ca) pins nothing.
  const caSetting = settings.ca === undefined ? DEFAULT_CA_FILE : settings.ca === "none" ? null : settings.ca;
  const ca = resolveCa(caSetting, now, out);
  const client = resolveClientCertificate(settings.cert ?? null, settings.key ?? null, now, out);
  const { cert, key } = client;

  const ssid = settings.wifiSsid ?? "";
  const password = settings.wifiPassword ?? "";
  if (!ssid && password) problems.push("a Wi-Fi password is set but no SSID (WIFI_SSID or --wifi-ssid)");
  if (Buffer.byteLength(ssid) > 32) problems.push(`${origins.name("wifiSsid")}: Wi-Fi SSIDs are at most 32 bytes`);
  out.summary.push(ssid ? `wifi         "${ssid}" (${password ? "password set" : "open network"})` : "wifi         none (Linux build, wired board, or a board that keeps its own Wi-Fi settings)");

  const config: AppConfig = {
    url,
    ca,
    cert,
    key,
    wifi: ssid ? { ssid, password } : null,
    wifiTimeoutMs: settings.wifiTimeoutMs ?? DEFAULTS.wifiTimeoutMs,
    wifiAttempts: settings.wifiAttempts ?? DEFAULTS.wifiAttempts,
    ntpServer: settings.ntpServer ?? DEFAULTS.ntpServer,
    deadlineMs: settings.deadlineMs ?? DEFAULTS.deadlineMs,
    bodyCap: settings.bodyCap ?? DEFAULTS.bodyCap,
    probe: settings.probe ?? DEFAULTS.probe,
    builtAt: now.getTime(),
  };
  if (flags.mqtt === true) problems.push("--mqtt needs the broker, mqtts://HOST[:PORT] (only npm start runs a broker of its own)");
  // With a broker setting already refused, what follows from it would only repeat the problem.
  const brokerRefused = BROKER_KEYS.some((name) => rejected.has(name));
  const mqtt = brokerRefused ? undefined : resolveBroker(settings, (name) => origins.name(name), { ...client, ca }, now, out);
  if (mqtt) config.mqtt = mqtt;
  if (config.bodyCap > 65536) out.warnings.push(`bodyCap ${config.bodyCap}: a body that large may not fit an ESP32's free memory`);
  out.summary.push(`limits       deadline ${config.deadlineMs / 1000} s, body cap ${config.bodyCap} bytes, probe ${config.probe ? "on" : "off"}`);

  if (problems.length) throw new ConfigError(problems);
  return { config, warnings: out.warnings, summary: out.summary, file: fileSettings ? { path: filePath, settings: fileSettings } : null };
}
