// The MQTT broker's settings (--mqtt and the --mqtt-* flags, --every) ->
// the MqttConfig the bundle embeds (app/config.ts), with the profile's
// defaults (scripts/build/mqtt-profiles.ts), the broker's CA and client
// certificate checked like the check's, and nothing embedded twice: the
// broker's CA, certificate and key are left out when they are the check's
// (the device then uses the check's).
import path from "node:path";
import { MQTT_DEFAULTS, type MqttConfig } from "../../app/config.ts";
import { REPO_ROOT } from "../lib/paths.ts";
import { type CertificateRole, type ClientCertificate, type Findings, resolveCa, resolveClientCertificate } from "./certificates.ts";
import { fillTemplate, MQTT_PROFILES, type MqttProfile, type MqttProfileName } from "./mqtt-profiles.ts";
import { type BrokerAddress, parseBrokerUrl as parseSharedBrokerUrl } from "../lib/broker-url.ts";

/** The configuration keys for the broker (app.config.schema.json describes them). */
export interface BrokerSettings {
  mqtt?: string;
  mqttCa?: string | null;
  mqttCert?: string;
  mqttKey?: string;
  mqttClientId?: string;
  mqttUsername?: string;
  mqttPassword?: string;
  mqttTopic?: string;
  mqttProfile?: MqttProfileName;
  every?: number;
}

export const BROKER_KEYS = ["mqtt", "mqttCa", "mqttCert", "mqttKey", "mqttClientId", "mqttUsername", "mqttPassword", "mqttTopic", "mqttProfile", "every"] as const;

export const BROKER_ROLE: CertificateRole = {
  server: "broker",
  caName: "MQTT CA",
  caFlag: "--mqtt-ca",
  clientName: "MQTT client certificate",
  keyName: "MQTT client key",
  certFlag: "--mqtt-cert",
  keyFlag: "--mqtt-key",
  caLabel: "mqtt ca     ",
  clientLabel: "mqtt cert   ",
};

/** What the check uses, which the broker shares unless told otherwise. */
export interface CheckCertificates extends ClientCertificate {
  ca: string | null;
}

/** mqtts://HOST[:PORT] for the device: the tools' rules (scripts/lib/broker-url.ts), and what Espruino cannot take. */
export function parseBrokerUrl(text: string): BrokerAddress | string {
  const address = parseSharedBrokerUrl(text);
  if (typeof address === "string") return address;
  if (address.host.includes(":")) return "an IPv6 literal: Espruino's network stack takes host names and IPv4 addresses";
  if (address.host.length > 127) return "host names longer than 127 characters do not fit Espruino's buffer";
  return address;
}

const isIpAddress = (host: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(host);

/** Names a key in messages the way the user set it (config.ts, Origins). */
export type KeyNamer = (key: (typeof BROKER_KEYS)[number]) => string;

/** The broker's CA: --mqtt-ca (a file, or "none"), else the profile's root, else the check's. Undefined: the check's. */
function brokerCa(settings: BrokerSettings, profile: MqttProfile, check: CheckCertificates, now: Date, out: Findings): string | null | undefined {
  const setting = settings.mqttCa === "none" ? null : settings.mqttCa;
  const file = setting !== undefined ? setting : profile.ca ? path.join(REPO_ROOT, "certs", profile.ca) : undefined;
  if (file === undefined) {
    if (check.ca === null) out.warnings.push("no CA is pinned for the broker either: the device will not authenticate it (use --mqtt-ca FILE)");
    return undefined;
  }
  const ca = resolveCa(file, now, out, BROKER_ROLE);
  return ca === check.ca ? undefined : ca;
}

/**
 * The broker's MqttConfig, or undefined when no broker is set (a problem is
 * recorded when --mqtt-* settings come without --mqtt).
 */
export function resolveBroker(settings: BrokerSettings, name: KeyNamer, check: CheckCertificates, now: Date, out: Findings): MqttConfig | undefined {
  if (settings.mqtt === undefined) {
    const stray = BROKER_KEYS.filter((key) => key !== "mqtt" && settings[key] !== undefined);
    if (stray.length) out.problems.push(`${stray.map(name).join(", ")}: no broker to publish to; give --mqtt mqtts://HOST[:PORT]`);
    return undefined;
  }
  const address = parseBrokerUrl(settings.mqtt);
  if (typeof address === "string") {
    out.problems.push(`${name("mqtt")} ${address}`);
    return undefined;
  }
  const profileName = settings.mqttProfile ?? "generic";
  const profile: MqttProfile = MQTT_PROFILES[profileName];
  const where = `--mqtt-profile ${profileName}`;
  if (profile.port !== undefined && address.port !== profile.port) {
    out.problems.push(`${name("mqtt")}: ${where} takes MQTT over TLS on port ${profile.port} only (443 needs ALPN, which Espruino's tls cannot send)`);
  }
  if (profile.sni && isIpAddress(address.host)) out.problems.push(`${name("mqtt")}: ${where} routes by the TLS server name: give the endpoint's host name, not an IP address`);

  const ca = brokerCa(settings, profile, check, now, out);
  const own = settings.mqttCert !== undefined || settings.mqttKey !== undefined;
  const client = own ? resolveClientCertificate(settings.mqttCert ?? null, settings.mqttKey ?? null, now, out, BROKER_ROLE) : check;

  const clientId = settings.mqttClientId ?? (profile.clientId === "certificate-name" ? (client.commonName ?? undefined) : undefined);
  if (clientId === undefined) {
    out.problems.push(
      profile.clientId === "required"
        ? `${where} needs ${name("mqttClientId")} (the thing name)`
        : `${name("mqttClientId")} is needed: there is no client certificate to take the common name from`,
    );
    return undefined;
  }
  const names = { host: address.host, device: clientId };
  const username = settings.mqttUsername ?? (profile.username === undefined ? undefined : fillTemplate(profile.username, names));
  const password = settings.mqttPassword;
  if (password !== undefined && username === undefined) {
    out.problems.push(`${name("mqttPassword")} needs ${name("mqttUsername")}: MQTT 3.1.1 sends a password only with a user name`);
  }
  if (profile.auth === "certificate" && !client.cert) out.problems.push(`${where} needs a client certificate (--cert and --key, or --mqtt-cert and --mqtt-key)`);
  if (profile.auth === "certificate-or-password" && !client.cert && password === undefined) {
    out.problems.push(`${where} needs a client certificate (--cert/--key or --mqtt-cert/--mqtt-key) or a SAS token as the password (MQTT_PASSWORD)`);
  }
  const topic = settings.mqttTopic ?? fillTemplate(profile.topic, names);
  const everyMs = settings.every === undefined ? 0 : Math.round(settings.every * 60_000);

  const mqtt: MqttConfig = { host: address.host, port: address.port, clientId, topic, keepAlive: MQTT_DEFAULTS.keepAlive, everyMs };
  if (ca !== undefined) mqtt.ca = ca;
  if (own && (client.cert !== check.cert || client.key !== check.key)) {
    mqtt.cert = client.cert;
    mqtt.key = client.key;
  }
  if (username !== undefined) mqtt.username = username;
  if (password !== undefined) mqtt.password = password;
  const auth = [client.cert ? "client certificate" : "", username !== undefined ? `user ${JSON.stringify(username)}` : "", password !== undefined ? "password set" : ""];
  out.summary.push(`mqtt         mqtts://${address.host}:${address.port} as ${JSON.stringify(clientId)} (${profileName}; ${auth.filter(Boolean).join(", ") || "no credentials"})`);
  out.summary.push(`mqtt topic   ${topic}${everyMs ? `, every ${settings.every} min` : ", once"}`);
  return mqtt;
}
