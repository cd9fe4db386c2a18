// The virtual device's Storage kept in a JSON file across runs: read at
// start, written shortly after each change and when the device stops.
// Contents are binary strings; the file keeps them as base64.
import { readFileSync, renameSync, writeFileSync } from "node:fs";

/** How long after a change the file is written (changes come in bursts: the CLI writes in chunks). */
const SAVE_DELAY_MS = 50;

/** A Map that tells when it changes (so the Storage file can be rewritten). */
export class WatchedMap extends Map<string, string> {
  onChange: () => void = () => {};
  override set(key: string, value: string): this {
    super.set(key, value);
    this.onChange();
    return this;
  }
  override delete(key: string): boolean {
    const had = super.delete(key);
    if (had) this.onChange();
    return had;
  }
  override clear(): void {
    super.clear();
    this.onChange();
  }
}

/** The Storage in `file` (empty when there is no file, or no file given). */
export function loadStorage(file: string | undefined): WatchedMap {
  const storage = new WatchedMap();
  if (!file) return storage;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return storage;
    throw error;
  }
  const data = JSON.parse(text) as Record<string, string>;
  for (const [name, value] of Object.entries(data)) storage.set(name, Buffer.from(value, "base64").toString("latin1"));
  return storage;
}

function saveStorage(file: string, storage: Map<string, string>): void {
  const data: Record<string, string> = {};
  for (const [name, value] of storage) data[name] = Buffer.from(value, "latin1").toString("base64");
  writeFileSync(file + ".tmp", JSON.stringify(data, null, 1) + "\n");
  renameSync(file + ".tmp", file);
}

/** Writes `storage` to `file` after each change; `flush` writes a change still waiting, at once. */
export function keepStorageInFile(storage: WatchedMap, file: string): { flush(): void } {
  let saveTimer: NodeJS.Timeout | null = null;
  storage.onChange = () => {
    if (saveTimer) return;
    saveTimer = setTimeout(() => {
      saveTimer = null;
      saveStorage(file, storage);
    }, SAVE_DELAY_MS);
  };
  return {
    flush() {
      if (!saveTimer) return;
      clearTimeout(saveTimer);
      saveTimer = null;
      saveStorage(file, storage);
    },
  };
}
