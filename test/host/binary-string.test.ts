import assert from "node:assert/strict";
import { toBinaryString } from "../../scripts/host/binary-string.ts";

describe("host binary strings", () => {
  it("keeps strings, turns a number into one byte and nothing into nothing", () => {
    assert.equal(toBinaryString("a\xff"), "a\xff");
    assert.equal(toBinaryString(0x141), "A");
    assert.equal(toBinaryString(undefined), "");
    assert.equal(toBinaryString(null), "");
  });

  it("reads arrays, typed arrays (their own window) and ArrayBuffers byte-wise", () => {
    assert.equal(toBinaryString([72, 256 + 105, "x", -1]), "Hi\x00\xff");
    const bytes = new Uint8Array([0, 72, 105, 0]);
    assert.equal(toBinaryString(bytes.subarray(1, 3)), "Hi");
    assert.equal(toBinaryString(bytes.buffer), "\x00Hi\x00");
  });

  it("gives anything else as String() does", () => {
    assert.equal(toBinaryString({}), "[object Object]");
    assert.equal(toBinaryString(true), "true");
  });
});
