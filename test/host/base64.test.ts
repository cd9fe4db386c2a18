import assert from "node:assert/strict";
import fc from "fast-check";
import { atob, btoa } from "../../scripts/host/base64.ts";

const binaryString = fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString("latin1"));

describe("host atob/btoa", () => {
  it("btoa matches standard base64 of the bytes (property)", () => {
    fc.assert(
      fc.property(binaryString, (text) => {
        assert.equal(btoa(text), Buffer.from(text, "latin1").toString("base64"));
      }),
    );
  });

  it("atob(btoa(x)) gives x back for any binary string (property)", () => {
    fc.assert(
      fc.property(binaryString, (text) => {
        assert.equal(atob(btoa(text)), text);
      }),
    );
  });

  it("atob skips whitespace anywhere, as PEM bodies with line breaks need", () => {
    const body = Buffer.from("certificate bytes \x00\xff", "latin1").toString("base64");
    const wrapped = body.replace(/(.{4})/g, "$1\r\n ");
    assert.equal(atob(wrapped), "certificate bytes \x00\xff");
  });

  it("atob gives binary strings (one character per byte)", () => {
    assert.equal(atob("/wBh"), "\xff\x00a");
    assert.equal(btoa([255, 0, 97]), "/wBh");
  });

  it("atob sizes its output from the input length, like jswrap_atob", () => {
    // Invalid characters are skipped but still counted: 8 chars -> 6 bytes, NUL-padded.
    assert.equal(atob("QUJD!!!!"), "ABC\x00\x00\x00");
    assert.equal(atob("QUJD!"), "ABC");
    assert.equal(atob("QQ=="), "A");
    assert.equal(atob(""), "");
  });
});
