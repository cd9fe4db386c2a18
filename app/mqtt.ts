// MQTT 3.1.1 packets (pure): the few a publisher sends (CONNECT, PUBLISH at
// QoS 1, PINGREQ, DISCONNECT) and a streaming reader for the few a broker
// answers it with (CONNACK, PUBACK, PINGRESP). Packets are binary strings,
// one character a byte, the form Espruino's sockets write and deliver.
//
// Every string given here is already bytes: the build writes the client id,
// topic, user name and password as UTF-8, one character a byte
// (scripts/build/broker.ts), and the payload, the RESULT's JSON, is ASCII on
// Espruino, whose JSON.stringify escapes everything above U+007E
// (docs/espruino-behaviour.md, "Strings and bytes"). So no encoder here.

/** Packet types the reader accepts (the fixed header's high four bits). */
export const CONNACK = 2;
export const PUBACK = 4;
export const PINGRESP = 13;

const chr = String.fromCharCode;

const u16 = (n: number) => chr(n >> 8) + chr(n & 0xff);

// Built from char codes: esbuild would write control characters such as 4 raw
// into the bundle, and a raw Ctrl-D ends an upload over Espruino's console.
export const PINGREQ = u16(0xc000);
export const DISCONNECT = u16(0xe000);

/** A length-prefixed string of bytes. */
const field = (bytes: string) => u16(bytes.length) + bytes;

/** Fixed header (type and flags, remaining length as a varint) and the rest. */
function packet(first: number, rest: string): string {
  let out = chr(first);
  let n = rest.length;
  do {
    const digit = n % 128;
    n = Math.floor(n / 128);
    out += chr(n ? digit | 128 : digit);
  } while (n);
  return out + rest;
}

/**
 * CONNECT with a clean session. A password goes only with a user name
 * (MQTT 3.1.1 forbids it alone); keepAlive is in seconds, 0 for none.
 */
export function connectPacket(clientId: string, keepAlive: number, username?: string, password?: string): string {
  let flags = 2;
  let tail = field(clientId);
  if (username !== undefined) {
    flags |= 128;
    tail += field(username);
    if (password !== undefined) {
      flags |= 64;
      tail += field(password);
    }
  }
  return packet(0x10, field("MQTT") + chr(4) + chr(flags) + u16(keepAlive) + tail);
}

/** PUBLISH at QoS 1 (not retained, not a duplicate); `id` 1 to 65535. */
export function publishPacket(topic: string, payload: string, id: number): string {
  return packet(0x32, field(topic) + u16(id) + payload);
}

/**
 * Reads the broker's bytes however they are split. Calls `onPacket(type, a, b)`
 * with a packet's two body bytes (CONNACK: flags, return code; PUBACK: the
 * packet id's high and low byte; PINGRESP: none). Returns why the stream is
 * malformed or holds a packet a publisher never gets (its first two bytes),
 * and from then on reads nothing; null while all is well. Every packet
 * it accepts is two or four bytes long, so it holds at most three bytes and
 * does the same small work for each.
 */
export function createReader(onPacket: (type: number, a: number, b: number) => void): (data: string) => string | null {
  let held = "";
  let problem: string | null = null;
  const at = (i: number) => held.charCodeAt(i);
  return (data: string) => {
    held += data;
    while (!problem && held.length > 1) {
      const first = at(0);
      // PINGRESP is empty; CONNACK (flags 0 or 1, a code) and PUBACK (an id) have two bytes.
      const length = first === 0xd0 ? 0 : first === 0x20 || first === 0x40 ? 2 : -1;
      if (at(1) !== length || (first === 0x20 && at(2) > 1)) {
        problem = "bad packet " + first + "," + at(1);
      } else if (held.length < 2 + length) {
        break;
      } else {
        const a = at(2);
        const b = at(3);
        held = held.substr(2 + length);
        onPacket(first >> 4, a, b);
      }
    }
    if (problem) held = "";
    return problem;
  };
}
