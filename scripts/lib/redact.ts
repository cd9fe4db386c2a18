// Keeping the configuration's secrets (Wi-Fi password, client private key, MQTT password)
// out of everything a host script prints (pure). One rule set with the
// device's: the device masks the same secrets with the same MASK, whole
// occurrences only (app/report.ts `redact`, kept small for the bundle); the
// host also masks their escaped forms and pieces, for the reasons below. The bundle carries them, and
// a board or the espruino CLI may echo uploaded code: as written in the
// bundle (JSON-escaped), as the CLI wraps it for Storage (escaped again), or
// cut into pieces where the CLI splits its upload. So besides whole
// occurrences, every piece of a secret at least FRAGMENT characters long is
// hidden too; hiding a few characters too many is harmless, printing a piece
// of a key is not.
import type { AppConfig } from "../../app/config.ts";
import { connectBase64 } from "../build/embed.ts";

/** Pieces of a secret this long or longer are hidden wherever they appear. */
export const FRAGMENT = 6;
export const MASK = "***";

/**
 * The secrets a configuration holds: the Wi-Fi password, the private key
 * (base64 of its DER), and the MQTT broker's password, the CONNECT packet
 * that carries it into the bundle (base64: scripts/build/embed.ts) and the
 * broker's own key.
 */
export function secretsOf(config: AppConfig): string[] {
  const mqtt = config.mqtt;
  const hello = mqtt?.password ? connectBase64(mqtt) : undefined;
  return [config.wifi?.password, config.key, mqtt?.password, hello, mqtt?.key].filter((secret): secret is string => !!secret);
}

/** JSON string escaping without the quotes: how a value appears inside a JS string literal. */
const escaped = (text: string): string => JSON.stringify(text).slice(1, -1);

/** Every form a secret takes in printed code: plain, escaped once (the bundle), twice (Storage.write of the bundle). */
export function secretForms(secret: string): string[] {
  const forms = new Set([secret, escaped(secret), escaped(escaped(secret))]);
  return [...forms].filter((form) => form.length > 0);
}

export type Redactor = (text: string) => string;

/**
 * Returns a function that masks every occurrence of each secret, and of each
 * piece of one that is at least FRAGMENT characters long (shorter secrets:
 * whole only). Masked spans that touch are merged into one mask.
 */
export function createRedactor(secrets: readonly string[]): Redactor {
  // For each piece length, the set of pieces of that length.
  const grams = new Map<number, Set<string>>();
  for (const secret of secrets) {
    for (const form of secretForms(secret)) {
      const k = Math.min(FRAGMENT, form.length);
      let set = grams.get(k);
      if (!set) grams.set(k, (set = new Set()));
      for (let i = 0; i + k <= form.length; i++) set.add(form.slice(i, i + k));
    }
  }
  if (grams.size === 0) return (text) => text;
  return (text: string): string => {
    const hidden = new Uint8Array(text.length);
    let any = false;
    for (const [k, set] of grams) {
      for (let i = 0; i + k <= text.length; i++) {
        if (set.has(text.slice(i, i + k))) {
          hidden.fill(1, i, i + k);
          any = true;
        }
      }
    }
    if (!any) return text;
    let out = "";
    for (let i = 0; i < text.length; i++) {
      if (!hidden[i]) out += text[i];
      else if (i === 0 || !hidden[i - 1]) out += MASK;
    }
    return out;
  };
}
