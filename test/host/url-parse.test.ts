import assert from "node:assert/strict";
import fc from "fast-check";
import { parseUrl } from "../../scripts/host/url-parse.ts";

// Expected values worked out by hand from jswrap_url_parse (libs/network/jswrap_net.c);
// the first matches the measured output of Espruino 2v29 (docs/espruino-behaviour.md, "Opening a connection").
describe("host url.parse", () => {
  it("splits an https URL with a port the way the device does", () => {
    assert.deepEqual(parseUrl("https://127.0.0.1:44417/a/check"), {
      protocol: "https:",
      method: "GET",
      host: "127.0.0.1",
      path: "/a/check",
      pathname: "/a/check",
      search: null,
      port: 44417,
      query: null,
    });
  });

  it("leaves port null when there is none, and keeps the query string", () => {
    assert.deepEqual(parseUrl("https://www.howsmyssl.com/a/check?x=1&y"), {
      protocol: "https:",
      method: "GET",
      host: "www.howsmyssl.com",
      path: "/a/check?x=1&y",
      pathname: "/a/check",
      search: "?x=1&y",
      port: null,
      query: "x=1&y",
    });
  });

  it("gives path '/' and no protocol for a bare host", () => {
    assert.deepEqual(parseUrl("example.com"), {
      method: "GET",
      host: "example.com",
      path: "/",
      pathname: "/",
      search: null,
      port: null,
      query: null,
    });
    assert.equal("protocol" in (parseUrl("example.com") as object), false);
  });

  it("parses a path-only URL with an empty host (the documented example)", () => {
    assert.deepEqual(parseUrl("/a?b=c&d=e", true), {
      method: "GET",
      host: "",
      path: "/a?b=c&d=e",
      pathname: "/a",
      search: "?b=c&d=e",
      port: null,
      query: { b: "c", d: "e" },
    });
  });

  it("decodes %XY byte-wise in parsed queries and keeps '+'", () => {
    const parsed = parseUrl("http://h/p?a=%41%2f+b&%7a=1&a=second", true);
    assert.deepEqual(parsed?.query, { a: "A/+b", z: "1" });
  });

  it("reproduces the C scan's quirks", () => {
    // digits after the port up to the first "/" all count, even after "?"
    assert.equal(parseUrl("http://a:80?x=1")?.port, 801);
    assert.equal(parseUrl("http://a:80?x=1")?.path, "/");
    // out-of-range ports are null
    assert.equal(parseUrl("http://a:70000/")?.port, null);
    assert.equal(parseUrl("http://a:0/")?.port, null);
    // a scheme needs "://"
    assert.equal(parseUrl("mailto:x@y")?.host, "mailto:x@y");
    // without a path, "?" does not start a search
    assert.equal(parseUrl("http://a?b")?.search, null);
    assert.equal(parseUrl("http://a?b")?.host, "a?b");
  });

  it("returns undefined for a non-string", () => {
    assert.equal(parseUrl(42), undefined);
    assert.equal(parseUrl(undefined), undefined);
  });

  it("recovers the parts of any scheme://host:port/path?query URL (property)", () => {
    const word = fc.stringMatching(/^[a-z0-9.-]{1,20}$/);
    const pathSegment = fc.stringMatching(/^[a-zA-Z0-9._~-]{0,10}$/);
    fc.assert(
      fc.property(
        fc.constantFrom("http", "https", "ws"),
        word,
        fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
        fc.array(pathSegment, { maxLength: 4 }),
        fc.option(fc.stringMatching(/^[a-z0-9=&%]{0,15}$/), { nil: undefined }),
        (scheme, host, port, segments, query) => {
          const path = "/" + segments.join("/");
          const url = `${scheme}://${host}${port === undefined ? "" : ":" + port}${path}${query === undefined ? "" : "?" + query}`;
          const parsed = parseUrl(url);
          assert.ok(parsed);
          assert.equal(parsed.protocol, scheme + ":");
          assert.equal(parsed.host, host);
          assert.equal(parsed.port, port ?? null);
          assert.equal(parsed.pathname, path);
          assert.equal(parsed.search, query === undefined ? null : "?" + query);
          assert.equal(parsed.query, query === undefined ? null : query);
          assert.equal(parsed.path, path + (query === undefined ? "" : "?" + query));
        },
      ),
    );
  });
});
