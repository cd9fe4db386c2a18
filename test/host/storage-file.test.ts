import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { keepStorageInFile, loadStorage } from "../../scripts/host/storage-file.ts";

describe("host Storage file (the virtual device's --storage)", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "storage-file-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("starts empty without a file, and reads binary contents kept as base64", () => {
    assert.equal(loadStorage(undefined).size, 0);
    assert.equal(loadStorage(path.join(dir, "missing.json")).size, 0);
    const file = path.join(dir, "storage.json");
    writeFileSync(file, JSON.stringify({ ".bootcde": Buffer.from("\xff\x00a", "latin1").toString("base64") }));
    assert.equal(loadStorage(file).get(".bootcde"), "\xff\x00a");
  });

  it("writes a burst of changes once, shortly after; flush writes a change still waiting at once", async () => {
    const file = path.join(dir, "storage.json");
    const storage = loadStorage(file);
    const kept = keepStorageInFile(storage, file);
    storage.set("a", "1");
    storage.set("b", "\xff");
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual([...loadStorage(file)], [["a", "1"], ["b", "\xff"]]);
    storage.delete("a");
    kept.flush();
    assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), { b: Buffer.from("\xff", "latin1").toString("base64") });
  });
});
