// MQTT 3.1.1 packets (pure): the few a publisher sends (CONNECT, PUBLISH at
// QoS 1, PINGREQ, DISCONNECT) and a streaming reader for the few a broker
// answers it with (CONNACK, PUBACK, PINGRESP). Packets are binary strings,
// one character a byte, the form Espruino's sockets write and deliver.
//
// Text becomes UTF-8 here, whatever kind of string holds it: on Espruino 2v29
// charCodeAt gives a character's code point for UTF-8 strings and the byte
// for binary ones (esbuild writes U+0080-U+00FF as "\xNN", a binary string),
// on Node a UTF-16 unit (docs/espruino-behaviour.md, "Strings and bytes").

/** Packet types the reader accepts (the fixed header's high four bits). */
export const CONNACK = 2;
export const PUBACK = 4;
export const PINGRESP = 13;

const chr = String.fromCharCode;

// Built from char codes: esbuild would write control characters such as 4 raw
// into the bundle, and a raw Ctrl-D ends an upload over Espruino's console.
export const PINGREQ = chr(0xc0) + chr(0);
export const DISCONNECT = chr(0xe0) + chr(0);

/** A JS string as its UTF-8 bytes (a binary string). */
export function utf8(text: string): string {
  // Printable ASCII is its own UTF-8: the RESULT's JSON on Espruino always is (it escapes the rest).
  if (!/[^ -~]/.test(text)) return text;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    const low = text.charCodeAt(i + 1);
    // A UTF-16 surrogate pair (Node); Espruino already gives the code point.
    if (c >= 0xd800 && c < 0xdc00 && low >= 0xdc00 && low < 0xe000) {
      c = 0x10000 + ((c - 0xd800) << 10) + low - 0xdc00;
      i++;
    }
    // n continuation bytes after a lead byte of n + 1 high bits.
    let n = c < 0x80 ? 0 : c < 0x800 ? 1 : c < 0x10000 ? 2 : 3;
    out += chr(n ? ((0xff << (7 - n)) & 0xff) | (c >> (6 * n)) : c);
    while (n--) out += chr(0x80 | ((c >> (6 * n)) & 0x3f));
  }
  return out;
}

const u16 = (n: number) => chr(n >> 8) + chr(n & 0xff);

/** A length-prefixed UTF-8 string. */
const field = (text: string) => {
  const bytes = utf8(text);
  return u16(bytes.length) + bytes;
};

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
  return packet(0x32, field(topic) + u16(id) + utf8(payload));
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
  return (data: string) => {
    held += data;
    while (!problem && held.length > 1) {
      const first = held.charCodeAt(0);
      // PINGRESP is empty; CONNACK (flags 0 or 1, a code) and PUBACK (an id) have two bytes.
      const length = first === 0xd0 ? 0 : first === 0x20 || first === 0x40 ? 2 : -1;
      if (held.charCodeAt(1) !== length || (first === 0x20 && held.charCodeAt(2) > 1)) {
        problem = "bad packet " + first + "," + held.charCodeAt(1);
      } else if (held.length < 2 + length) {
        break;
      } else {
        const a = held.charCodeAt(2);
        const b = held.charCodeAt(3);
        held = held.substr(2 + length);
        onPacket(first >> 4, a, b);
      }
    }
    if (problem) held = "";
    return problem;
  };
}
