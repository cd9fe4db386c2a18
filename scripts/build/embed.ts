// The configuration as the bundle holds it (app/config.ts, EmbeddedConfig).
// The device has no text encoder and uses the broker's client id, user name
// and password only in CONNECT: so the host writes that packet here, with
// the device's own codec (app/mqtt.ts), from their UTF-8 bytes, and the bundle
// carries it as base64; the topic goes in as UTF-8 bytes, one character a
// byte (esbuild writes those above U+007F as \xNN, a binary string on
// Espruino). Fewer bytes on the device than the code that would build it.
import type { AppConfig, EmbeddedConfig, EmbeddedMqtt, MqttConfig } from "../../app/config.ts";
import { connectPacket } from "../../app/mqtt.ts";

/** A string's UTF-8 bytes, one character a byte (the form the device's codec and sockets take). */
export function utf8Bytes(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}

const bytesOf = (text: string | undefined) => (text === undefined ? undefined : utf8Bytes(text));

/** The CONNECT packet the device sends, base64 (it holds the password, when there is one). */
export function connectBase64(mqtt: MqttConfig): string {
  const packet = connectPacket(utf8Bytes(mqtt.clientId), mqtt.keepAlive, bytesOf(mqtt.username), bytesOf(mqtt.password));
  return Buffer.from(packet, "latin1").toString("base64");
}

export function embeddedMqtt(mqtt: MqttConfig): EmbeddedMqtt {
  const out: EmbeddedMqtt = { host: mqtt.host, port: mqtt.port, hello: connectBase64(mqtt), topic: utf8Bytes(mqtt.topic), keepAlive: mqtt.keepAlive };
  for (const field of ["ca", "cert", "key"] as const) if (mqtt[field] !== undefined) out[field] = mqtt[field];
  if (mqtt.everyMs) out.everyMs = mqtt.everyMs;
  return out;
}

export function embeddedConfig(config: AppConfig): EmbeddedConfig {
  const { mqtt, ...check } = config;
  return mqtt ? { ...check, mqtt: embeddedMqtt(mqtt) } : check;
}
