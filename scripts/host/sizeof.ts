// Size estimates in Espruino variable blocks (pure).
// - `E.getSizeOf(value)`: a structural count, after how Espruino stores
//   values: one block per object/array/function, one per property name (a
//   small integer, boolean or null value sits inside the name block), strings
//   in one block for the first 4 characters and one more per further 12.
// - process.memory(): V8 heap bytes in use above the runtime's starting
//   point, divided by the block size. A proxy, not a measurement: V8 objects
//   are larger than Espruino's, Node's TLS state counts on the app's side
//   (as mbedTLS's memory does on Espruino's Linux build), and closures are
//   included, which a structural walk cannot see.

/** An ESP32 build's variable store: 16383 blocks of 14 bytes (boards/ESP32*.py). */
export const TOTAL_BLOCKS = 16383;
export const BLOCK_BYTES = 14;
/** Blocks in use on a freshly started interpreter (measured on the Linux build: 77). */
export const BASE_BLOCKS = 77;

function stringBlocks(length: number): number {
  return 1 + Math.max(0, Math.ceil((length - 4) / 12));
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

/** E.getSizeOf: blocks used by `value` and everything it holds. */
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
  if (typeof object === "function") total += stringBlocks(Function.prototype.toString.call(object).length);
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

/** process.memory()'s usage from V8 heap bytes above the runtime's baseline. */
export function blocksFromHeap(heapUsed: number, baseline: number): number {
  return BASE_BLOCKS + Math.max(0, Math.round((heapUsed - baseline) / BLOCK_BYTES));
}
