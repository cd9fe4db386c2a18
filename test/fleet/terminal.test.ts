// The fleet table as text: aligned columns, marks that show without colour,
// colour only when asked for, the live screen on a TTY and into a pipe.
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import pc from "picocolors";
import { FleetTable } from "../../scripts/fleet/devices.ts";
import { formatLastSeen, LiveScreen, logHeader, logLine, summaryLine, tableLines } from "../../scripts/fleet/terminal.ts";

const NOW = new Date(Date.UTC(2027, 5, 1, 12, 30, 0));
const plain = pc.createColors(false);
const colour = pc.createColors(true);
const ESC = "\x1b[";
const GOOD = { ok: true, url: "u", tls_version: "TLS 1.3", rating: "Probably Okay", cert_verified: true, ms: 812, mem_peak: 3290 };

function fleet() {
  const table = new FleetTable("espruino-tls-check/+/result", "bad");
  const record = (id: string, result: object) => table.record(`espruino-tls-check/${id}/result`, Buffer.from(JSON.stringify(result)), new Date(Date.UTC(2027, 5, 1, 12, 0, 3)));
  record("good-one", GOOD);
  record("bad", { ...GOOD, rating: "Bad", tls_version: "TLS 1.2", ms: 40 });
  record("open", { ...GOOD, cert_verified: false });
  record("broken", { ok: false, url: "u", error: "CERT_VERIFY", ms: 5012, mem_peak: 1200 });
  return table;
}

describe("fleet: the table in a terminal", () => {
  it("one aligned line per device under a header, every column filled", () => {
    const lines = tableLines(fleet().rows(), plain, NOW);
    assert.equal(lines.length, 5);
    assert.match(lines[0], /^\s+device\s+last seen \(UTC\)\s+status\s+rating\s+TLS\s+verified\s+mem_peak\s+ms\s+msgs\s+attention$/);
    const [, bad, broken, good, open] = lines;
    assert.match(good, /^ {3}good-one\s+12:00:03\s+ok\s+Probably Okay\s+1\.3\s+yes\s+3290\s+812\s+1$/);
    assert.match(bad, /^!  bad\s+12:00:03\s+ok\s+Bad\s+1\.2\s+yes\s+3290\s+40\s+1\s+rated Bad$/);
    assert.match(open, /^!  open\s+.*\s+NO\s+.*\s+unverified$/);
    assert.match(broken, /^!  broken\s+12:00:03\s+CERT_VERIFY\s+-\s+-\s+-\s+1200\s+5012\s+1\s+failed$/);
    // Aligned: each column starts at the same place on every line.
    assert.equal(good.indexOf("Probably Okay"), lines[0].indexOf("rating"));
    assert.equal(bad.indexOf("Bad"), lines[0].indexOf("rating"));
    assert.equal(broken.indexOf("CERT_VERIFY"), lines[0].indexOf("status"));
  });

  it("no escape codes when colour is off; marked cells painted when it is on, without moving the columns", () => {
    const rows = fleet().rows();
    for (const line of tableLines(rows, plain, NOW)) assert.ok(!line.includes(ESC), JSON.stringify(line));
    const painted = tableLines(rows, colour, NOW);
    assert.ok(painted.some((line) => line.includes(`${ESC}31mBad`)), "Bad in red");
    assert.ok(painted.some((line) => line.includes(`${ESC}31mNO`)), "unverified in red");
    const strip = (line: string) => line.replace(/\x1b\[\d+m/g, "");
    assert.deepEqual(painted.map(strip), tableLines(rows, plain, NOW));
  });

  it("last seen: the time today, the date and minutes before", () => {
    assert.equal(formatLastSeen("2027-06-01T12:00:03.000Z", NOW), "12:00:03");
    assert.equal(formatLastSeen("2027-05-31T23:59:59.000Z", NOW), "2027-05-31 23:59");
  });

  it("the summary counts devices, those that need a look, messages and malformed ones", () => {
    const table = fleet();
    table.record("espruino-tls-check/x/result", Buffer.from("junk"), NOW);
    assert.equal(
      summaryLine(table.rows(), table.summary().messages, table.malformedSummary(), plain),
      "4 devices (3 need a look), 5 messages, 1 malformed (last: espruino-tls-check/x/result: not JSON)",
    );
    assert.equal(summaryLine([], 0, { count: 0, recent: [] }, plain), "0 devices, 0 messages");
  });
});

/** A stream that keeps what is written, and says whether it is a terminal. */
function sink(isTTY: boolean): NodeJS.WriteStream & { text(): string } {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  }) as unknown as NodeJS.WriteStream & { text(): string };
  stream.isTTY = isTTY;
  stream.text = () => text;
  return stream;
}

describe("fleet: the live screen", () => {
  it("into a pipe: a header once, then a line per update", () => {
    const table = fleet();
    const out = sink(false);
    const screen = new LiveScreen(out, plain, () => ({ rows: table.rows(), messages: 4, malformed: table.malformedSummary(), now: NOW }));
    for (const row of table.rows().slice(0, 2)) screen.update(row);
    screen.close();
    const rows = table.rows();
    assert.equal(out.text(), [logHeader(plain), logLine(rows[0], plain, NOW), logLine(rows[1], plain, NOW), ""].join("\n"));
  });

  it("on a terminal: the whole table redrawn in place, with the status lines under it", async () => {
    const table = fleet();
    const out = sink(true);
    const screen = new LiveScreen(out, plain, () => ({ rows: table.rows(), messages: 4, malformed: table.malformedSummary(), now: NOW }), 1);
    screen.note("subscribed");
    for (const row of table.rows()) screen.update(row);
    await new Promise((resolve) => setTimeout(resolve, 20));
    screen.close();
    const frames = out.text().split(`${ESC}H${ESC}2J`).filter(Boolean);
    assert.ok(frames.length >= 1 && frames.length <= 2, `redraws are coalesced: ${frames.length}`);
    const last = frames[frames.length - 1];
    assert.ok(last.startsWith(tableLines(table.rows(), plain, NOW).join("\n")), last);
    assert.match(last, /4 devices \(3 need a look\), 4 messages\nsubscribed\n$/);
  });
});
