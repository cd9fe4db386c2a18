import assert from "node:assert/strict";
import { INPUT_BUFFER_BYTES, SerialInputQueue, XOFF, XON } from "../../scripts/host/serial-input.ts";

describe("serial-input (Espruino's input buffer on a UART console)", () => {
  function queue(capacity?: number): { input: SerialInputQueue; sent: string[] } {
    const sent: string[] = [];
    return { input: new SerialInputQueue((character) => void sent.push(character), capacity), sent };
  }

  it("passes characters through in order while there is room, and never asks to pause", () => {
    const { input, sent } = queue();
    input.push("1+2\n");
    input.push("print(3)\n");
    assert.equal(input.take(), "1+2\nprint(3)\n");
    assert.equal(input.take(), "");
    assert.deepEqual(sent, []);
    assert.deepEqual(input.counts, { xoffSent: 0, receivedAfterXoff: 0, lost: 0 });
  });

  it("sends XOFF once past 6/8 of 4096 bytes, counts what still comes, and XON once drained", () => {
    const { input, sent } = queue();
    assert.equal(INPUT_BUFFER_BYTES, 4096);
    input.push("a".repeat(3072));
    assert.deepEqual(sent, [], "at exactly 6/8 nothing is sent");
    input.push("b");
    assert.deepEqual(sent, [XOFF]);
    input.push("c".repeat(10));
    assert.deepEqual(sent, [XOFF], "one XOFF, however much more comes");
    assert.equal(input.counts.receivedAfterXoff, 10);
    assert.equal(input.take().length, 3083);
    assert.deepEqual(sent, [XOFF, XON]);
    input.push("d");
    assert.equal(input.counts.receivedAfterXoff, 10, "nothing counted once XON went out");
  });

  it("loses what finds the buffer full, and reports it once", () => {
    const { input } = queue(8);
    input.push("0123456789");
    assert.equal(input.counts.lost, 2);
    assert.equal(input.takeLostReport(), true);
    assert.equal(input.takeLostReport(), false);
    assert.equal(input.take(), "01234567", "the first bytes stay; the rest is gone");
    input.push("xy");
    assert.equal(input.take(), "xy");
    assert.equal(input.takeLostReport(), false);
  });
});
