import assert from "node:assert/strict";
import type { PortSpec } from "../../scripts/board/port.ts";
import { closedMidUploadMessage, lostInputMessage, reportsLostInput } from "../../scripts/board/upload-damage.ts";

const serial: PortSpec = { kind: "serial", path: "/dev/ttyUSB0" };
const tcp: PortSpec = { kind: "tcp", host: "127.0.0.1", port: 2323, text: "tcp://127.0.0.1:2323" };

describe("upload-damage", () => {
  it("recognises Espruino's report of lost input, also behind the XOFF/XON it sent (shown escaped)", () => {
    assert.equal(reportsLostInput("New interpreter error: FIFO_FULL"), true);
    assert.equal(reportsLostInput("\\x13\\x11New interpreter error: FIFO_FULL"), true);
    assert.equal(reportsLostInput("New interpreter error: LOW_MEMORY,FIFO_FULL"), true);
    assert.equal(reportsLostInput("New interpreter error: LOW_MEMORY"), false);
    assert.equal(reportsLostInput('console.log("FIFO_FULL")'), false);
  });

  it("says what the lost input left on the board, by mode", () => {
    const stored = lostInputMessage(false).join("\n");
    assert.match(stored, /lost part of the upload: its input buffer overflowed \(FIFO_FULL\)/);
    assert.match(stored, /does not pause when the board sends XOFF/);
    assert.match(stored, /boot code \(Storage \.bootcde\) is incomplete/);
    assert.match(lostInputMessage(true).join("\n"), /the code in its RAM is incomplete/);
  });

  it("a port that closed: one line, whether anything had been sent, and the serial port's likely causes", () => {
    assert.equal(
      closedMidUploadMessage(serial, false, true),
      "/dev/ttyUSB0 went away during the upload (unplugged, or the board reset?): its boot code (Storage .bootcde) is incomplete and will fail at the next start; upload again.",
    );
    assert.equal(closedMidUploadMessage(serial, false, false), "/dev/ttyUSB0 went away before the upload began (unplugged, or the board reset?); nothing on the board was changed.");
    assert.match(closedMidUploadMessage(tcp, true, true), /^the connection to tcp:\/\/127\.0\.0\.1:2323 closed during the upload: the code in its RAM is incomplete; upload again\.$/);
  });
});
