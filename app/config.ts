// What the build embeds into the bundle. Validated on the host
// (scripts/lib/config.ts); the device trusts it as given.

export interface WifiConfig {
  ssid: string;
  password: string;
}

export interface AppConfig {
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

export const DEFAULTS = {
  url: "https://www.howsmyssl.com/a/check",
  wifiTimeoutMs: 20000,
  wifiAttempts: 3,
  ntpServer: "pool.ntp.org",
  deadlineMs: 30000,
  bodyCap: 32768,
  probe: true,
};
