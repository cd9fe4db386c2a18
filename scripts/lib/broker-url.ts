// A broker's address as the tools take it, mqtts://HOST[:PORT]: one set of
// rules for the device's broker (scripts/build/broker.ts, which adds what only
// the device cannot do) and the fleet view's (scripts/fleet/options.ts).
import { MQTT_DEFAULTS } from "../../app/config.ts";

export interface BrokerAddress {
  /** Without brackets for an IPv6 literal. */
  host: string;
  port: number;
}

/** mqtts://HOST[:PORT] -> host and port (8883 by default), or why not, in words that follow the flag's name. */
export function parseBrokerUrl(text: string): BrokerAddress | string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === "mqtt" || scheme === "tcp") {
    return "plain mqtt:// is refused: it would send every RESULT and any password unencrypted, to a broker nobody verified; use mqtts://HOST[:PORT]";
  }
  if (scheme !== "mqtts") return "must be mqtts://HOST[:PORT]";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "is not a URL: write it as mqtts://HOST[:PORT]";
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!host) return "has no host name: write it as mqtts://HOST[:PORT]";
  if (url.username || url.password) return "must not carry a user name or password (a URL shows in the process list): the password goes in MQTT_PASSWORD";
  if ((url.pathname !== "" && url.pathname !== "/") || url.search || url.hash) return "takes nothing after the port (the topic is a setting of its own): write it as mqtts://HOST[:PORT]";
  if (url.port === "0") return "port 0 is not a port a broker listens on";
  return { host, port: url.port ? Number(url.port) : MQTT_DEFAULTS.port };
}
