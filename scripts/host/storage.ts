// A minimal `require("Storage")` over a Map (the device's flash). Covers what
// the app and the espruino CLI use: read, readJSON, write (including the
// CLI's chunked form write(name, data, offset, totalSize)), writeJSON, erase,
// eraseAll, list, getFree, compact. Files hold binary strings.

export class StorageError extends Error {}

/** Storage file names are at most 28 characters (jsflash's JsfFileName). */
const MAX_NAME = 28;
/** Room the Storage pretends to have (an ESP32's default Storage area). */
const CAPACITY = 0x30000;

type ToBinary = (data: unknown) => string;

export interface StorageModuleImpl {
  read(name: string, offset?: number, length?: number): string | undefined;
  readJSON(name: string, noExceptions?: boolean): unknown;
  readArrayBuffer(name: string): ArrayBuffer | undefined;
  write(name: string, data: unknown, offset?: number, size?: number): boolean;
  writeJSON(name: string, data: unknown): boolean;
  erase(name: string): void;
  eraseAll(): void;
  list(pattern?: RegExp | string): string[];
  getFree(): number;
  compact(): void;
  debug(): void;
}

function checkName(name: unknown): string {
  const text = String(name);
  if (text.length === 0 || text.length > MAX_NAME) throw new StorageError("File name too long");
  return text;
}

/**
 * `toBinary` turns the app's data argument into a binary string (strings as
 * they are, arrays and typed arrays byte-wise); `fromJson` hands parsed JSON
 * back as objects of the app's realm.
 */
export function createStorage(
  files: Map<string, string>,
  toBinary: ToBinary,
  fromJson: (text: string) => unknown,
  toJson: (value: unknown) => string,
): StorageModuleImpl {
  const used = (): number => [...files.entries()].reduce((sum, [n, d]) => sum + n.length + d.length + 32, 0);
  const storage: StorageModuleImpl = {
    read(name, offset, length) {
      const data = files.get(String(name));
      if (data === undefined) return undefined;
      const start = offset === undefined ? 0 : Math.max(0, Number(offset) | 0);
      return length === undefined ? data.substring(start) : data.substr(start, Math.max(0, Number(length) | 0));
    },
    readJSON(name, noExceptions) {
      const data = files.get(String(name));
      if (data === undefined) return undefined;
      try {
        return fromJson(data);
      } catch (error) {
        if (noExceptions) return undefined;
        throw error;
      }
    },
    readArrayBuffer(name) {
      const data = files.get(String(name));
      if (data === undefined) return undefined;
      return Uint8Array.from(Buffer.from(data, "latin1")).buffer;
    },
    write(name, data, offset, size) {
      const file = checkName(name);
      const bytes = toBinary(data);
      const at = offset === undefined ? 0 : Number(offset) | 0;
      if (at === 0) {
        // A new file; with `size`, pre-sized and blank (erased flash reads 0xFF).
        const total = size === undefined ? bytes.length : Number(size) | 0;
        if (bytes.length > total) throw new StorageError("Too much data for file size");
        if (used() - (files.has(file) ? file.length + (files.get(file) as string).length + 32 : 0) + total + file.length + 32 > CAPACITY) {
          throw new StorageError("Unable to find or create file");
        }
        files.set(file, bytes + "\xff".repeat(total - bytes.length));
        return true;
      }
      const existing = files.get(file);
      if (existing === undefined || at < 0 || at + bytes.length > existing.length) {
        throw new StorageError("Offset or size is out of range");
      }
      files.set(file, existing.substring(0, at) + bytes + existing.substring(at + bytes.length));
      return true;
    },
    writeJSON(name, data) {
      return storage.write(name, toJson(data));
    },
    erase(name) {
      files.delete(String(name));
    },
    eraseAll() {
      files.clear();
    },
    list(pattern) {
      const names = [...files.keys()];
      if (pattern === undefined) return names;
      const re = typeof pattern === "string" ? new RegExp(pattern) : pattern;
      return names.filter((n) => re.test(n));
    },
    getFree() {
      return Math.max(0, CAPACITY - used());
    },
    compact() {},
    debug() {},
  };
  return storage;
}
