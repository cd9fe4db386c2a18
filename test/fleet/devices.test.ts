// The fleet's device table (pure): ids from topics, what counts as a RESULT,
// what marks a device, counts and history.
import assert from "node:assert/strict";
import { attentionFor, deviceIdFromTopic, FleetTable, HISTORY_POINTS, MALFORMED_KEPT, PAYLOAD_LIMIT, parseResultPayload } from "../../scripts/fleet/devices.ts";

const FILTER = "espruino-tls-check/+/result";
const at = (second: number) => new Date(Date.UTC(2027, 5, 1, 12, 0, second));
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const GOOD = { ok: true, url: "https://checker.test/a/check", tls_version: "TLS 1.3", rating: "Probably Okay", cert_verified: true, ms: 812, mem_peak: 3290, firmware: "2v29" };

describe("fleet: device ids from topics", () => {
  it("is the level the filter's + matched", () => {
    assert.equal(deviceIdFromTopic(FILTER, "espruino-tls-check/device-01/result"), "device-01");
    assert.equal(deviceIdFromTopic("devices/+/messages/events/#", "devices/d1/messages/events/a=b"), "d1");
    assert.equal(deviceIdFromTopic("site/+/+/result", "site/north/d7/result"), "north/d7");
  });

  it("is what # matched when there is no +, and the topic itself without wildcards", () => {
    assert.equal(deviceIdFromTopic("espruino-tls-check/#", "espruino-tls-check/d1/result"), "d1/result");
    assert.equal(deviceIdFromTopic("espruino-tls-check/#", "espruino-tls-check"), "espruino-tls-check");
    assert.equal(deviceIdFromTopic("one/topic", "one/topic"), "one/topic");
  });

  it("is null for a topic the filter does not match", () => {
    assert.equal(deviceIdFromTopic(FILTER, "espruino-tls-check/d1/other"), null);
    assert.equal(deviceIdFromTopic(FILTER, "espruino-tls-check/d1/result/extra"), null);
    assert.equal(deviceIdFromTopic(FILTER, "espruino-tls-check/d1"), null);
  });
});

describe("fleet: what a RESULT payload is", () => {
  it("takes a JSON object with a boolean ok", () => {
    assert.deepEqual(parseResultPayload(json(GOOD)), GOOD);
    assert.deepEqual(parseResultPayload(json({ ok: false, url: "u", error: "DNS" })), { ok: false, url: "u", error: "DNS" });
  });

  it("says why anything else is not one", () => {
    assert.equal(parseResultPayload(Buffer.from("garbage")), "not JSON");
    assert.equal(parseResultPayload(Buffer.alloc(0)), "empty");
    assert.equal(parseResultPayload(json([1])), "not a JSON object");
    assert.equal(parseResultPayload(json(null)), "not a JSON object");
    assert.equal(parseResultPayload(json({ ok: "yes" })), 'no boolean "ok": not a RESULT');
    assert.match(String(parseResultPayload(Buffer.alloc(PAYLOAD_LIMIT + 1, 32))), /too large/);
  });
});

describe("fleet: which devices need a look", () => {
  it("a failed check; a device that does not verify (false) or was not probed (null)", () => {
    assert.deepEqual(attentionFor({ ...GOOD, ok: false, error: "CERT_VERIFY" }, "bad"), ["failed"]);
    assert.deepEqual(attentionFor({ ...GOOD, cert_verified: false }, null), ["unverified"]);
    assert.deepEqual(attentionFor({ ...GOOD, cert_verified: null }, null), ["unverified"]);
    assert.deepEqual(attentionFor(GOOD, "improvable"), []);
  });

  it("a rating at or below --fail-on, as npm start's exit code judges it", () => {
    assert.deepEqual(attentionFor({ ...GOOD, rating: "Bad" }, "bad"), ["rating"]);
    assert.deepEqual(attentionFor({ ...GOOD, rating: "Improvable" }, "bad"), []);
    assert.deepEqual(attentionFor({ ...GOOD, rating: "Improvable" }, "improvable"), ["rating"]);
    assert.deepEqual(attentionFor({ ...GOOD, rating: "Bad" }, null), []);
    assert.deepEqual(attentionFor({ ...GOOD, rating: "Bad", cert_verified: false }, "bad"), ["unverified", "rating"]);
  });
});

describe("fleet: the table", () => {
  it("keeps each device's latest RESULT, when it came and how many came", () => {
    const table = new FleetTable(FILTER, "bad");
    table.record("espruino-tls-check/b/result", json({ ...GOOD, rating: "Bad", ms: 900 }), at(1));
    table.record("espruino-tls-check/a/result", json(GOOD), at(2));
    const update = table.record("espruino-tls-check/b/result", json({ ...GOOD, ms: 700, tls_version: "TLS 1.2" }), at(3));
    assert.equal(update.kind, "device");
    const rows = table.rows();
    assert.deepEqual(
      rows.map((row) => [row.id, row.messages, row.last_seen, row.ms, row.tls_version, row.attention]),
      [
        ["a", 1, "2027-06-01T12:00:02.000Z", 812, "TLS 1.3", []],
        ["b", 2, "2027-06-01T12:00:03.000Z", 700, "TLS 1.2", []],
      ],
    );
    assert.deepEqual(rows[0].result, GOOD);
    assert.deepEqual(table.history("b").map((point) => point.ms), [900, 700]);
    assert.deepEqual(table.summary(), { devices: 2, messages: 3, malformed: 0, attention: 0 });
  });

  it("a failed check's row: the class, no rating, numbers that are not numbers as null", () => {
    const table = new FleetTable(FILTER, "bad");
    table.record("espruino-tls-check/d/result", json({ ok: false, url: "u", error: "TLS_HANDSHAKE", ms: "soon", mem_peak: null }), at(1));
    const [row] = table.rows();
    assert.equal(row.ok, false);
    assert.equal(row.error, "TLS_HANDSHAKE");
    assert.equal(row.rating, null);
    assert.equal(row.ms, null);
    assert.equal(row.mem_peak, null);
    assert.deepEqual(row.attention, ["failed"]);
    assert.equal(table.summary().attention, 1);
  });

  it("counts malformed messages, keeps the last few and the devices untouched", () => {
    const table = new FleetTable(FILTER, "bad");
    table.record("espruino-tls-check/a/result", json(GOOD), at(0));
    for (let i = 0; i < MALFORMED_KEPT + 2; i++) table.record("espruino-tls-check/a/result", Buffer.from(`junk ${i}`), at(i + 1));
    const update = table.record("elsewhere/a", json(GOOD), at(30));
    assert.deepEqual(update, { kind: "malformed", message: { at: "2027-06-01T12:00:30.000Z", topic: "elsewhere/a", reason: `topic does not match ${FILTER}` } });
    const malformed = table.malformedSummary();
    assert.equal(malformed.count, MALFORMED_KEPT + 3);
    assert.equal(malformed.recent.length, MALFORMED_KEPT);
    assert.equal(malformed.recent[0].at, "2027-06-01T12:00:04.000Z");
    assert.equal(table.rows()[0].messages, 1);
    assert.deepEqual(table.summary(), { devices: 1, messages: MALFORMED_KEPT + 4, malformed: MALFORMED_KEPT + 3, attention: 0 });
  });

  it("keeps a bounded history per device, newest last", () => {
    const table = new FleetTable(FILTER, null);
    for (let i = 0; i < HISTORY_POINTS + 10; i++) table.record("espruino-tls-check/a/result", json({ ...GOOD, ms: i }), at(i % 60));
    const history = table.history("a");
    assert.equal(history.length, HISTORY_POINTS);
    assert.equal(history[0].ms, 10);
    assert.equal(history[HISTORY_POINTS - 1].ms, HISTORY_POINTS + 9);
    assert.deepEqual(table.history("nobody"), []);
  });
});
