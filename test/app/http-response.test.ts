import assert from "node:assert/strict";
import fc from "fast-check";
import { createResponseParser, ResponseParser } from "../../app/http-response.ts";

const CAP = 32768;

function feed(pieces: string[], cap = CAP, finish = true): ResponseParser {
  const parser = createResponseParser(cap);
  for (const piece of pieces) parser.push(piece);
  if (finish) parser.finish();
  return parser;
}

const lengthResponse = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"a\":\"hello\"}";
const chunkedResponse = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\n{\"a\":\r\n8\r\n\"hello\"}\r\n0\r\nX-Trailer: t\r\n\r\n";
const closeResponse = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end";

/** Every way to cut `text` into two pieces, plus byte by byte. */
function splits(text: string): string[][] {
  const out: string[][] = [text.split("")];
  for (let i = 0; i <= text.length; i++) out.push([text.slice(0, i), text.slice(i)]);
  return out;
}

describe("http-response", () => {
  it("reads a Content-Length body and headers", () => {
    const parser = feed([lengthResponse], CAP, false);
    assert.equal(parser.problem, null);
    assert.deepEqual(parser.response, {
      status: 200,
      reason: "OK",
      headers: { "content-type": "application/json", "content-length": "13" },
      body: '{"a":"hello"}',
    });
  });

  it("is complete as soon as the Content-Length body is in, and ignores bytes after it", () => {
    const parser = createResponseParser(CAP);
    parser.push(lengthResponse + "garbage after the body");
    assert.equal(parser.response?.body, '{"a":"hello"}');
  });

  it("decodes a chunked body with extensions and trailers", () => {
    const parser = feed([chunkedResponse], CAP, false);
    assert.equal(parser.problem, null);
    assert.equal(parser.response?.body, '{"a":"hello"}');
  });

  it("reads a close-delimited body only when the connection ends", () => {
    const parser = createResponseParser(CAP);
    parser.push(closeResponse);
    const before = parser.response;
    assert.equal(before, null);
    parser.finish();
    assert.equal(parser.response?.body, "until the end");
  });

  for (const [name, text] of [
    ["content-length", lengthResponse],
    ["chunked", chunkedResponse],
    ["close-delimited", closeResponse],
  ] as const) {
    it(`gives the same response for a ${name} answer split at every point`, () => {
      const whole = feed([text]).response;
      assert.ok(whole);
      for (const pieces of splits(text)) {
        const parser = feed(pieces);
        assert.equal(parser.problem, null, JSON.stringify(pieces));
        assert.deepEqual(parser.response, whole, JSON.stringify(pieces));
      }
    });
  }

  it("gives the same response however the bytes are chunked (property)", () => {
    const body = JSON.stringify({ tls_version: "TLS 1.2", data: "x".repeat(700) });
    const answers = [
      "HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n" + body,
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
        body.match(/[\s\S]{1,97}/g)!.map((piece) => piece.length.toString(16) + "\r\n" + piece + "\r\n").join("") +
        "0\r\n\r\n",
    ];
    fc.assert(
      fc.property(fc.constantFrom(...answers), fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 40 }), (answer, cuts) => {
        const pieces: string[] = [];
        let at = 0;
        for (const cut of cuts) {
          pieces.push(answer.slice(at, at + cut));
          at += cut;
        }
        pieces.push(answer.slice(at));
        const parser = feed(pieces);
        return parser.problem === null && parser.response?.body === body;
      }),
    );
  });

  it("never throws on random bytes and ends with a response or a problem (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary", maxLength: 300 }), { maxLength: 20 }), (pieces) => {
        const parser = feed(pieces);
        return (parser.response === null) !== (parser.problem === null);
      }),
    );
  });

  it("never throws on random bytes after a valid head (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("Content-Length: 40\r\n", "Transfer-Encoding: chunked\r\n", ""),
        fc.string({ unit: "binary", maxLength: 400 }),
        (header, tail) => {
          const parser = feed(["HTTP/1.1 200 OK\r\n" + header + "\r\n" + tail]);
          return (parser.response === null) !== (parser.problem === null);
        },
      ),
    );
  });

  it("skips 1xx interim answers", () => {
    const parser = feed(["HTTP/1.1 100 Continue\r\n\r\n" + lengthResponse], CAP, false);
    assert.equal(parser.response?.status, 200);
  });

  it("takes 204 and 304 as bodiless", () => {
    assert.equal(feed(["HTTP/1.1 204 No Content\r\n\r\n"], CAP, false).response?.body, "");
    assert.equal(feed(["HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n"], CAP, false).response?.body, "");
  });

  it("keeps the status and reason of non-200 answers", () => {
    const response = feed(["HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops"]).response;
    assert.equal(response?.status, 500);
    assert.equal(response?.reason, "Internal Server Error");
  });

  describe("refuses", () => {
    const cases: Array<[string, string, string]> = [
      ["an empty head", "\r\n\r\n", "bad status line"],
      ["an HTML answer", "<html><body>hi</body></html>\r\n\r\n", "bad status line"],
      ["HTTP/2 status lines", "HTTP/2 200 OK\r\n\r\n", "bad status line"],
      ["a two-digit status", "HTTP/1.1 20 OK\r\n\r\n", "bad status line"],
      ["a status glued to its reason", "HTTP/1.1 200OK\r\n\r\n", "bad status line"],
      ["a header without a colon", "HTTP/1.1 200 OK\r\nbroken header\r\n\r\n", "bad header line"],
      ["a non-numeric Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n", "bad content-length"],
      ["a bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk"],
      ["a chunk without its CRLF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", "bad chunk"],
    ];
    for (const [name, text, detail] of cases) {
      it(name, () => {
        const parser = feed([text]);
        assert.equal(parser.response, null);
        assert.deepEqual(parser.problem, { code: "BAD_RESPONSE", detail });
      });
    }

    it("a head that never ends", () => {
      const parser = feed(["HTTP/1.1 200 OK\r\n" + "X-Filler: aaaaaaaa\r\n".repeat(600)], CAP, false);
      assert.deepEqual(parser.problem, { code: "BAD_RESPONSE", detail: "head too long" });
    });

    it("a truncated Content-Length body", () => {
      const parser = feed([lengthResponse.slice(0, -3)]);
      assert.deepEqual(parser.problem, { code: "BAD_RESPONSE", detail: "truncated response" });
    });

    it("a truncated chunked body", () => {
      assert.equal(feed([chunkedResponse.slice(0, -9)]).problem?.detail, "truncated response");
    });

    it("a connection closed without a byte", () => {
      assert.deepEqual(feed([]).problem, { code: "BAD_RESPONSE", detail: "closed without a response" });
    });
  });

  describe("caps the body", () => {
    it("by Content-Length, before reading it", () => {
      const parser = createResponseParser(100);
      parser.push("HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n");
      assert.deepEqual(parser.problem, { code: "TOO_LARGE", detail: "body over 100 bytes" });
    });

    it("for chunked and close-delimited bodies as they grow", () => {
      const chunked = createResponseParser(100);
      chunked.push("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (let i = 0; i < 20 && !chunked.problem; i++) chunked.push("a\r\n0123456789\r\n");
      assert.equal(chunked.problem?.code, "TOO_LARGE");
      const toClose = createResponseParser(100);
      toClose.push("HTTP/1.1 200 OK\r\n\r\n");
      toClose.push("x".repeat(101));
      assert.equal(toClose.problem?.code, "TOO_LARGE");
    });

    it("accepts a body of exactly the cap", () => {
      const parser = feed(["HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + "y".repeat(100)], 100, false);
      assert.equal(parser.response?.body.length, 100);
    });
  });

  it("counts every byte received", () => {
    const parser = feed([lengthResponse, "extra"], CAP, false);
    assert.equal(parser.received, lengthResponse.length + 5);
  });
});
