import assert from "node:assert/strict";
import fc from "fast-check";
import { find } from "../../app/text.ts";
import { withEspruinoStrings } from "../support/espruino-quirks.ts";

describe("text", () => {
  it("finds what indexOf finds", () => {
    assert.equal(find("a\r\n\r\nb", "\r\n\r\n"), 1);
    assert.equal(find("mbedtls_ssl_handshake returned -0x2700", "0x2700"), 32);
    assert.equal(find("abc", "x"), -1);
  });

  it("refuses Espruino's false match of a needle cut off at the end", () => {
    const right = (haystack: string, needle: string) => haystack.indexOf(needle);
    withEspruinoStrings(() => {
      assert.equal("-0x7780".indexOf("0x2700"), 6, "the model reproduces the bug (measured 6 on 2v29)");
      assert.equal(find("-0x7780", "0x2700"), -1);
      assert.equal(find("HTTP/1.1 200 OK\r\nA: b\r\n", "\r\n\r\n"), -1);
      assert.equal(find("head\r", "\r\n"), -1);
      assert.equal(find("gzip, chun", "chunked"), -1);
    });
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ minLength: 1, maxLength: 5 }), (haystack, needle) => {
        const expected = right(haystack, needle);
        return withEspruinoStrings(() => find(haystack, needle)) === expected;
      }),
    );
  });
});
