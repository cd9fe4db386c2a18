// Streaming HTTP/1.1 response parser (pure). Bytes arrive as binary strings in
// pieces of any size. Handles Content-Length, chunked and close-delimited
// bodies, caps the body, and skips 1xx interim answers.
//
// Device code: keep to Espruino's subset (no `?` or `{n}` in regexes, no
// destructuring, no spread, no default parameters).

import { find } from "./text.ts";

export interface HttpResponse {
  status: number;
  reason: string;
  /** Header names lower-cased; a repeated header keeps its last value. */
  headers: { [name: string]: string };
  body: string;
}

export interface ParseProblem {
  code: "BAD_RESPONSE" | "TOO_LARGE";
  detail: string;
}

export interface ResponseParser {
  /** Feeds the next piece of the stream. */
  push(data: string): void;
  /** The connection ended: a close-delimited body is complete, anything else was cut short. */
  finish(): void;
  /** Set once the response is complete. */
  response: HttpResponse | null;
  /** Set once the stream is known to be bad; no further input is read. */
  problem: ParseProblem | null;
  /** Bytes seen so far. */
  received: number;
}

/** The status line and headers must fit in this. */
export const MAX_HEAD = 8192;

// Body framing, once the head is parsed.
const TO_CLOSE = -1; // read until the connection closes
const CHUNK_SIZE = -2; // chunked: a size line comes next
const CHUNK_CRLF = -3; // chunked: the CRLF after a chunk's data comes next
const TRAILERS = -4; // chunked: trailer lines until an empty one

export function createResponseParser(bodyCap: number): ResponseParser {
  let buffer = "";
  let head: HttpResponse | null = null;
  /** Bytes of body (or of the current chunk) still expected, or one of the framing states above. */
  let left = 0;
  let chunked = false;

  // Espruino does not hoist function declarations: `parser` is built at the
  // end, once push and finish exist, and the functions reach it by closure.
  let parser: ResponseParser;

  function fail(code: "BAD_RESPONSE" | "TOO_LARGE", detail: string): void {
    parser.problem = parser.problem || { code: code, detail: detail };
  }

  /** True (and the parser failed) when a body of `size` bytes is over the cap. */
  function tooLarge(size: number): boolean {
    if (size > bodyCap) fail("TOO_LARGE", "body over " + bodyCap + " bytes");
    return size > bodyCap;
  }

  function addBody(data: string): void {
    if (!tooLarge(head!.body.length + data.length)) head!.body += data;
  }

  /** Removes and returns the next line, or null if it has not fully arrived. */
  function line(): string | null {
    const end = find(buffer, "\r\n");
    if (end < 0) return null;
    const text = buffer.substr(0, end);
    buffer = buffer.substr(end + 2);
    return text;
  }

  /** Parses the status line and headers once they are complete; false when more input is needed. */
  function parseHead(): boolean {
    const end = find(buffer, "\r\n\r\n");
    if (end < 0) {
      if (buffer.length > MAX_HEAD) fail("BAD_RESPONSE", "head too long");
      return false;
    }
    const lines = buffer.substr(0, end).split(/\r\n/); // a regex: Espruino splits on a string wrongly in corner cases
    buffer = buffer.substr(end + 4);
    const status = lines[0];
    // "HTTP/1.x NNN reason", checked by hand: Espruino's regexes lack `?` and `{n}`.
    if (!/^HTTP\/1\.[01] [0-9][0-9][0-9]$/.test(status.substr(0, 12)) || (status.length > 12 && status.charAt(12) !== " ")) {
      fail("BAD_RESPONSE", "bad status line");
      return false;
    }
    const headers: { [name: string]: string } = {};
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(":");
      if (colon < 1) {
        fail("BAD_RESPONSE", "bad header line");
        return false;
      }
      headers[lines[i].substr(0, colon).trim().toLowerCase()] = lines[i].substr(colon + 1).trim();
    }
    const code = parseInt(status.substr(9, 3), 10);
    if (code < 200) return true; // interim answer: the real head follows
    head = { status: code, reason: status.substr(13), headers: headers, body: "" };
    const length = headers["content-length"];
    if (code === 204 || code === 304) {
      parser.response = head;
    } else if (find((headers["transfer-encoding"] || "").toLowerCase(), "chunked") >= 0) {
      chunked = true;
      left = CHUNK_SIZE;
    } else if (length === undefined) {
      left = TO_CLOSE;
    } else if (!/^[0-9]+$/.test(length) || length.length > 9) {
      fail("BAD_RESPONSE", "bad content-length");
    } else {
      left = parseInt(length, 10);
      if (!tooLarge(left) && !left) parser.response = head;
    }
    return true;
  }

  /** Consumes what the buffer holds; returns when it needs more input or is done. */
  function run(): void {
    while (!parser.problem && !parser.response) {
      if (!head) {
        if (!parseHead()) return;
      } else if (left === TO_CLOSE) {
        addBody(buffer);
        buffer = "";
        return;
      } else if (left > 0) {
        if (!buffer) return;
        const piece = buffer.substr(0, left);
        buffer = buffer.substr(piece.length);
        left -= piece.length;
        addBody(piece);
        // Content-Length body complete, or the chunk's CRLF is next.
        if (!left) {
          if (chunked) left = CHUNK_CRLF;
          else parser.response = head;
        }
      } else {
        const text = line();
        if (text === null) {
          if (buffer.length > 1024) fail("BAD_RESPONSE", "bad chunk");
          return;
        }
        if (left === CHUNK_CRLF) {
          if (text) fail("BAD_RESPONSE", "bad chunk");
          left = CHUNK_SIZE;
        } else if (left === TRAILERS) {
          if (!text) parser.response = head;
        } else {
          const size = text.split(";")[0].trim();
          if (!/^[0-9a-fA-F]+$/.test(size) || size.length > 7) fail("BAD_RESPONSE", "bad chunk");
          left = parseInt(size, 16) || TRAILERS;
        }
      }
    }
  }

  function push(data: string): void {
    parser.received += data.length;
    if (parser.problem || parser.response) return;
    buffer += data;
    run();
  }

  function finish(): void {
    if (parser.problem || parser.response) return;
    if (head && left === TO_CLOSE) parser.response = head;
    else fail("BAD_RESPONSE", parser.received ? "truncated response" : "closed without a response");
  }

  parser = { push: push, finish: finish, response: null, problem: null, received: 0 };
  return parser;
}
