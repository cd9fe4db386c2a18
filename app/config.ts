// The configuration, and what the build embeds of it into the bundle
// (EmbeddedConfig). Validated on the host (scripts/build/config.ts); the
// device trusts it as given.

export interface WifiConfig {
  ssid: string;
  password: string;
}

/**
 * The MQTT broker each RESULT is published to, as the host resolves it
 * (scripts/build/config.ts): text as given. Absent from the configuration
 * when none is set, and then the publisher is left out of the bundle (see
 * "app-mqtt" in scripts/build/bundle.ts). The bundle holds it as
 * EmbeddedMqtt.
 */
export interface MqttConfig {
  /** The broker's host name and port (8883 is MQTT over TLS). */
  host: string;
  port: number;
  /**
   * The CA pinned for the broker, the client certificate and its key (mutual
   * TLS), base64 of the DER: absent, the check's own (`ca`, `cert`, `key`);
   * null, none.
   */
  ca?: string | null;
  cert?: string | null;
  key?: string | null;
  clientId: string;
  /** The topic every RESULT is published to (the host's default: MQTT_DEFAULTS.topic). */
  topic: string;
  /** MQTT user name, and password (a secret: never printed); absent, none. A password needs a user name. */
  username?: string;
  password?: string;
  /** Keep-alive in seconds, told to the broker; a PINGREQ goes out every half of it. 0: none. */
  keepAlive: number;
  /** Check and publish again this long after each publish, on the same connection; 0: once, then DISCONNECT. */
  everyMs: number;
}

/**
 * The broker as the bundle holds it (scripts/build/embed.ts builds it): the
 * device has no text encoder and no use for the client id, user name and
 * password apart from CONNECT, so the host writes that packet with the
 * device's own codec (app/mqtt.ts) and the bundle carries its bytes.
 */
export interface EmbeddedMqtt extends Pick<MqttConfig, "host" | "port" | "ca" | "cert" | "key" | "keepAlive"> {
  // ca, cert and key as in MqttConfig, absent (not undefined) for the check's.
  /** The CONNECT packet, base64 (a secret when it holds a password). */
  hello: string;
  /** The topic's UTF-8 bytes, one character a byte. */
  topic: string;
  /** As MqttConfig's; absent for 0. */
  everyMs?: number;
}

/** The check's settings: everything but the broker. */
export interface CheckConfig {
  /** The check URL, `https://host[:port]/path`. */
  url: string;
  /** Pinned trust anchor: base64 of the DER (the PEM body without line breaks). */
  ca: string | null;
  /** Client certificate and its private key (mutual TLS), base64 of the DER. */
  cert: string | null;
  key: string | null;
  /** Null skips joining Wi-Fi (wired boards, the Linux build, the host runtime). */
  wifi: WifiConfig | null;
  /** How long one Wi-Fi join may take, and how many joins to try. */
  wifiTimeoutMs: number;
  wifiAttempts: number;
  /** SNTP server used to set the clock before TLS (boards with Wi-Fi only). */
  ntpServer: string;
  /** The whole HTTPS exchange must finish within this. */
  deadlineMs: number;
  /** Largest response body accepted. */
  bodyCap: number;
  /** Run the verification probe (second connection pinned to a decoy CA). */
  probe: boolean;
  /** Build time (ms since epoch): a clock earlier than this is not set yet. */
  builtAt: number;
}

/** The configuration the host resolves. */
export interface AppConfig extends CheckConfig {
  /** Publish each RESULT to this broker; absent, publish nothing. */
  mqtt?: MqttConfig;
}

/** What the bundle embeds (scripts/build/embed.ts): the configuration with the broker as the device uses it. */
export interface EmbeddedConfig extends CheckConfig {
  mqtt?: EmbeddedMqtt;
}

export const DEFAULTS = {
  url: "https://www.howsmyssl.com/a/check",
  wifiTimeoutMs: 20000,
  wifiAttempts: 3,
  ntpServer: "pool.ntp.org",
  deadlineMs: 30000,
  bodyCap: 32768,
  probe: true,
};

export const MQTT_DEFAULTS = {
  port: 8883,
  keepAlive: 60,
  topic: (clientId: string) => "espruino-tls-check/" + clientId + "/result",
};
