import assert from "node:assert/strict";
import { formatPrintArgs, formatResult, formatValue, quoteString, uncaughtText } from "../../scripts/host/format.ts";

describe("host value formatting", () => {
  it("prints strings raw and other values Espruino-style", () => {
    assert.equal(formatPrintArgs(["a", 1, true, null, undefined]), "a 1 true null undefined");
    assert.equal(formatPrintArgs([[1, 2, 3]]), "[ 1, 2, 3 ]");
    assert.equal(formatPrintArgs([{}]), "{  }");
  });

  it("puts non-simple members on their own lines (JSON_SOME_NEWLINES)", () => {
    assert.equal(formatValue({ a: 1, b: "x" }), '{ "a": 1, \n  "b": "x"\n }');
    assert.equal(formatValue({ a: 1, b: 2, c: 3, d: 4, e: 5 }), '{ "a": 1, "b": 2, "c": 3, "d": 4, \n  "e": 5 }');
  });

  it("drops quotes on identifier keys and shortens long values for the REPL", () => {
    assert.equal(formatResult({ a: 1, "b c": 2 }), '{ a: 1, "b c": 2 }');
    const long = Array.from({ length: 20 }, (_, i) => i);
    assert.equal(formatResult(long), "[ 0, 1, 2, 3, 4,  ... 15, 16, 17, 18, 19 ]");
    assert.equal(formatResult("x".repeat(70)), `"${"x".repeat(27)}" ... "${"x".repeat(27)}"`);
  });

  it("escapes strings like Espruino's %q", () => {
    assert.equal(quoteString('a"\\\n\t\x00\x01z'), '"a\\"\\\\\\n\\t\\0\\1z"');
    assert.equal(quoteString("\x007"), '"\\x007"');
    assert.equal(quoteString("\xff\x7f"), '"\\xFF\\x7F"');
  });

  it("prints typed arrays and errors", () => {
    assert.equal(formatValue(new Uint8Array([1, 2])), "new Uint8Array([1, 2])");
    assert.equal(formatValue(new Uint8Array(3)), "new Uint8Array(3)");
    assert.equal(formatValue(new TypeError("bad")), "TypeError: bad");
  });

  it("says what an uncaught exception was: an error's type and message, other values as printed", () => {
    assert.equal(uncaughtText(new TypeError("bad")), "TypeError: bad");
    assert.equal(uncaughtText({ type: "InternalError", message: "x" }), "InternalError: x");
    assert.equal(uncaughtText(Object.assign(new Error("m"), { message: undefined })), "Error");
    assert.equal(uncaughtText("plain text"), "plain text");
    assert.equal(uncaughtText({ a: 1 }), '{ "a": 1 }');
    assert.equal(uncaughtText(42), "42");
  });
});
