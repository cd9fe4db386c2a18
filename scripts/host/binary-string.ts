// The app's data as a binary string (one byte per character), the way
// Espruino's E.toString, btoa and Storage.write take it (pure).

/** Strings as they are, a number as one byte, arrays and buffers byte-wise; anything else as String() gives it. */
export function toBinaryString(data: unknown): string {
  if (typeof data === "string") return data;
  if (typeof data === "number") return String.fromCharCode(data & 0xff);
  if (data === undefined || data === null) return "";
  const bytes: ArrayLike<unknown> | null = ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : Object.prototype.toString.call(data) === "[object ArrayBuffer]"
      ? new Uint8Array(data as ArrayBuffer)
      : Array.isArray(data)
        ? data
        : null;
  if (!bytes) return String(data);
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += String.fromCharCode((Number(bytes[i]) || 0) & 0xff);
  return out;
}
