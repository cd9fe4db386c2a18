// The app's configuration on the host: read from app.config.json (or
// --config), WIFI_SSID / WIFI_PASSWORD in the environment, and flags, in that
// order of precedence (flags win); validated, certificates checked and turned
// into the compact form the bundle embeds (base64 of the DER).
import fs from "node:fs";
import path from "node:path";
import { Command, Option } from "commander";
import { DEFAULTS, type AppConfig } from "../../app/config.ts";
import { checkClientCertificate, checkTrustAnchor, describeCertificate, PemError, pemToBase64, privateKeyFormat } from "./certs.ts";
import { REPO_ROOT } from "./paths.ts";
import { wholeNumber } from "./args.ts";

export const DEFAULT_CONFIG_FILE = path.join(REPO_ROOT, "app.config.json");
export const DEFAULT_CA_FILE = path.join(REPO_ROOT, "certs", "isrg-root-x1.pem");

/** Every problem found, one per line: the caller prints them and exits 1. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
  }
}

/** The keys app.config.json may hold (paths are relative to the file). */
export interface ConfigFile {
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

const FILE_KEYS: Array<keyof ConfigFile> = [
  "url", "ca", "cert", "key", "wifiSsid", "wifiPassword", "wifiTimeoutMs", "wifiAttempts", "ntpServer", "deadlineMs", "bodyCap", "probe",
];

/** What commander hands over from the options addConfigOptions() defines. */
export interface ConfigFlags {
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
}

/** Adds the configuration flags shared by build, start and upload. */
export function addConfigOptions(command: Command): Command {
  return command
    .option("--config <file>", "configuration file (default: app.config.json if present)")
    .option("--url <url>", `the check URL (default ${DEFAULTS.url})`)
    .option("--ca <file>", "PEM file of the CA to pin (default certs/isrg-root-x1.pem)")
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
    .option("--no-probe", "skip the certificate verification probe");
}

export interface ResolvedConfig {
  config: AppConfig;
  /** Things worth saying that do not stop the build. */
  warnings: string[];
  /** One line per setting that matters, for the build's summary (never a secret). */
  summary: string[];
}

function readConfigFile(file: string, explicit: boolean, problems: string[]): ConfigFile {
  if (!fs.existsSync(file)) {
    if (explicit) problems.push(`configuration file ${file} does not exist`);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    problems.push(`${file} is not valid JSON: ${(error as Error).message}`);
    return {};
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    problems.push(`${file} must hold a JSON object`);
    return {};
  }
  const unknown = Object.keys(parsed).filter((key) => !FILE_KEYS.includes(key as keyof ConfigFile) && !key.startsWith("//"));
  if (unknown.length) problems.push(`${file}: unknown key(s) ${unknown.join(", ")}; known: ${FILE_KEYS.join(", ")}`);
  // Paths in the file are relative to it.
  const out = parsed as ConfigFile;
  for (const key of ["ca", "cert", "key"] as const) {
    const value = out[key];
    if (typeof value === "string" && value !== "none") out[key] = path.resolve(path.dirname(file), value);
  }
  return out;
}

function checkUrl(text: string, problems: string[]): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    problems.push(`url "${text}" is not a URL`);
    return;
  }
  if (url.protocol !== "https:") problems.push(`url must start with https:// (got ${url.protocol})`);
  if (url.hostname.startsWith("[")) problems.push("url: Espruino's url.parse cannot read IPv6 literals; use a host name");
  if (url.username || url.password) problems.push("url must not carry a user name or password");
  if (url.hostname.length > 127) problems.push("url: host names longer than 127 characters do not fit Espruino's buffer");
  if (url.hash) problems.push("url must not have a #fragment");
  if (!text.startsWith("https://" + url.host)) problems.push(`url: write it plainly as https://${url.host}${url.pathname}${url.search}`);
}

function checkRange(name: string, value: number, min: number, max: number, problems: string[]): void {
  if (!Number.isInteger(value) || value < min || value > max) problems.push(`${name} must be a whole number from ${min} to ${max} (got ${value})`);
}

function readPem(file: string, what: string, problems: string[]): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    problems.push(`cannot read the ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return null;
  }
}

/**
 * Merges defaults, the configuration file, the environment and flags; checks
 * everything and collects every problem before giving up.
 */
export function resolveConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env, now = new Date()): ResolvedConfig {
  const problems: string[] = [];
  const warnings: string[] = [];
  const summary: string[] = [];
  const file = readConfigFile(flags.config ? path.resolve(flags.config) : DEFAULT_CONFIG_FILE, flags.config !== undefined, problems);

  const url = flags.url ?? file.url ?? DEFAULTS.url;
  checkUrl(url, problems);
  summary.push(`url          ${url}`);

  // CA: a flag wins; --no-ca (false), "none" or null in the file pins nothing.
  const caSetting = flags.ca ?? (file.ca === null || file.ca === "none" ? false : file.ca) ?? DEFAULT_CA_FILE;
  let ca: string | null = null;
  if (caSetting === false) {
    warnings.push("no CA is pinned: the device will not authenticate the server (use --ca FILE)");
    summary.push("ca           none (server not authenticated)");
  } else {
    const pem = readPem(caSetting, "CA file", problems);
    if (pem !== null) {
      const check = checkTrustAnchor(pem, now, { allowSelfSignedLeaf: true });
      problems.push(...check.errors.map((error) => `CA ${caSetting}: ${error}`));
      warnings.push(...check.warnings.map((warning) => `CA ${caSetting}: ${warning}`));
      if (check.errors.length === 0) {
        ca = pemToBase64(pem);
        const info = describeCertificate(pem, now);
        summary.push(`ca           ${info.subject.replace(/\n/g, ", ")} (until ${info.notAfter.toISOString().slice(0, 10)}, ${path.relative(process.cwd(), caSetting) || caSetting})`);
      }
    }
  }

  const certFile = flags.cert ?? file.cert ?? null;
  const keyFile = flags.key ?? file.key ?? null;
  let cert: string | null = null;
  let key: string | null = null;
  if ((certFile === null) !== (keyFile === null)) {
    problems.push("mutual TLS needs both a client certificate (--cert) and its key (--key)");
  } else if (certFile !== null && keyFile !== null) {
    const certPem = readPem(certFile, "client certificate", problems);
    const keyPem = readPem(keyFile, "client key", problems);
    if (certPem !== null && keyPem !== null) {
      const check = checkClientCertificate(certPem, keyPem, now);
      problems.push(...check.errors.map((error) => `client certificate: ${error}`));
      warnings.push(...check.warnings.map((warning) => `client certificate: ${warning}`));
      if (check.errors.length === 0) {
        try {
          cert = pemToBase64(certPem);
          key = pemToBase64(keyPem);
          if (privateKeyFormat(keyPem) === "sec1" || check.certificate?.keyType.startsWith("EC")) {
            warnings.push("the client key is an EC key: stock Espruino cannot use it (handshake error -0x3f00); this project's firmware can");
          }
          summary.push(`client cert  ${check.certificate?.subject.replace(/\n/g, ", ")} (key ${check.keyFormat})`);
        } catch (error) {
          problems.push(`client certificate: ${error instanceof PemError ? error.message : String(error)}`);
        }
      }
    }
  }

  const ssid = flags.wifiSsid ?? env.WIFI_SSID ?? file.wifiSsid ?? "";
  const password = flags.wifiPassword ?? env.WIFI_PASSWORD ?? file.wifiPassword ?? "";
  if (!ssid && password) problems.push("a Wi-Fi password is set but no SSID (WIFI_SSID or --wifi-ssid)");
  if (Buffer.byteLength(ssid) > 32) problems.push("Wi-Fi SSIDs are at most 32 bytes");
  if (password && (password.length < 8 || password.length > 63)) problems.push("a WPA2 Wi-Fi password has 8 to 63 characters (leave it empty for an open network)");
  summary.push(ssid ? `wifi         "${ssid}" (${password ? "password set" : "open network"})` : "wifi         none (Linux build, wired board, or a board that keeps its own Wi-Fi settings)");

  const config: AppConfig = {
    url,
    ca,
    cert,
    key,
    wifi: ssid ? { ssid, password } : null,
    wifiTimeoutMs: flags.wifiTimeout ?? file.wifiTimeoutMs ?? DEFAULTS.wifiTimeoutMs,
    wifiAttempts: flags.wifiAttempts ?? file.wifiAttempts ?? DEFAULTS.wifiAttempts,
    ntpServer: flags.ntpServer ?? file.ntpServer ?? DEFAULTS.ntpServer,
    deadlineMs: flags.deadline ?? file.deadlineMs ?? DEFAULTS.deadlineMs,
    bodyCap: flags.bodyCap ?? file.bodyCap ?? DEFAULTS.bodyCap,
    probe: flags.probe === false ? false : (file.probe ?? DEFAULTS.probe),
    builtAt: now.getTime(),
  };
  checkRange("wifiTimeoutMs", config.wifiTimeoutMs, 1000, 120000, problems);
  checkRange("wifiAttempts", config.wifiAttempts, 1, 10, problems);
  checkRange("deadlineMs", config.deadlineMs, 1000, 600000, problems);
  checkRange("bodyCap", config.bodyCap, 1024, 262144, problems);
  if (typeof config.probe !== "boolean") problems.push("probe must be true or false");
  if (!/^[A-Za-z0-9.-]{1,127}$/.test(config.ntpServer)) problems.push(`ntpServer "${config.ntpServer}" is not a host name`);
  if (config.bodyCap > 65536) warnings.push(`bodyCap ${config.bodyCap}: a body that large may not fit an ESP32's free memory`);
  summary.push(`limits       deadline ${config.deadlineMs / 1000} s, body cap ${config.bodyCap} bytes, probe ${config.probe ? "on" : "off"}`);

  if (problems.length) throw new ConfigError(problems);
  return { config, warnings, summary };
}
