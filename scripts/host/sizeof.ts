// Memory in Espruino variable blocks (pure), for E.getSizeOf and
// process.memory(). V8's heap says little about what the app would use on a
// device (and in `npm start` it also holds the checker), so process.memory()
// is a model of the interpreter's variable store, calibrated on Espruino 2v29's
// Linux build (docs/espruino-behaviour.md, "Memory"):
//   usage = 77 blocks at rest
//         + the code the app loaded (Espruino keeps function text in
//           variables: about 12 characters a block)
//         + the app's global variables (structural count, as E.getSizeOf)
//         + 1531 blocks per open TLS connection (mbedTLS allocates from the
//           variable store on that build: 248 -> 1779 at connect), 334 more
//           with a client certificate and key (measured 2113)
//         + what the connection holds in its send and receive buffers.
// Not counted: state the app keeps only in closures (a bundle's IIFE), which
// no walk can see. On an ESP32 mbedTLS lives in the IDF heap instead, so
// there the TLS part does not show in process.memory().

/** An ESP32 build's variable store: 16383 blocks of 14 bytes (boards/ESP32*.py). */
export const TOTAL_BLOCKS = 16383;
export const BLOCK_BYTES = 14;
/** Blocks in use on a freshly started interpreter (Linux build). */
export const BASE_BLOCKS = 77;
/** One TLS connection's mbedTLS state on the Linux build. */
export const TLS_SOCKET_BLOCKS = 1531;
/** Extra for a loaded client certificate and key. */
export const CLIENT_CERT_BLOCKS = 334;
/** Characters of string data per block (after the first block's 4). */
const CHARS_PER_BLOCK = 12;

export function stringBlocks(length: number): number {
  return 1 + Math.max(0, Math.ceil((length - 4) / CHARS_PER_BLOCK));
}

/** Blocks for code text the interpreter keeps. */
export function codeBlocks(length: number): number {
  return Math.ceil(length / CHARS_PER_BLOCK);
}

/** Value stored inline in a name block. */
function isInline(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isInteger(value) && Math.abs(value) < 2 ** 31)
  );
}

/**
 * E.getSizeOf: one block per object/array/function, one per property name (a
 * small integer, boolean or null value sits inside the name block), strings
 * in one block for the first 4 characters and one more per further 12.
 */
export function sizeOfValue(value: unknown, seen: Set<object> = new Set()): number {
  if (value === null || value === undefined || typeof value === "boolean") return 1;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "symbol") return 1;
  if (typeof value === "string") return stringBlocks(value.length);
  const object = value as object;
  if (seen.has(object)) return 0;
  seen.add(object);
  if (ArrayBuffer.isView(object)) return 1 + stringBlocks(object.byteLength);
  if (Object.prototype.toString.call(object) === "[object ArrayBuffer]") return 1 + stringBlocks((object as ArrayBuffer).byteLength);
  let total = 1;
  if (typeof object === "function") total += codeBlocks(Function.prototype.toString.call(object).length);
  for (const key of Object.keys(object)) {
    let item: unknown;
    try {
      item = (object as Record<string, unknown>)[key];
    } catch {
      continue;
    }
    total += stringBlocks(key.length) + (isInline(item) ? 0 : sizeOfValue(item, seen));
  }
  return total;
}
