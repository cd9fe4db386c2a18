import assert from "node:assert/strict";
import fc from "fast-check";
import { EspruinoConsole, countBrackets } from "../../scripts/host/console.ts";

/** A console whose "interpreter" records lines and answers with simple values. */
function makeConsole(): { console: EspruinoConsole; out: () => string; lines: string[] } {
  let text = "";
  const lines: string[] = [];
  const console = new EspruinoConsole(
    {
      evaluate(line) {
        lines.push(line);
        if (line.startsWith("throw")) return { ok: false };
        if (line.startsWith('print("')) {
          console.print(line.substring(7, line.indexOf('"', 7)) + "\n");
          return { ok: true, value: undefined };
        }
        return { ok: true, value: line === "" ? undefined : line.length };
      },
      format: (value) => String(value),
    },
    (t) => (text += t),
    "Espruino 2v29 TEST",
  );
  return { console, out: () => text, lines };
}

/** Feed input, then end the idle-loop pass (prompt back). */
function feed(c: EspruinoConsole, data: string): void {
  c.receive(data);
  c.returnInputLine();
}

describe("host console line discipline", () => {
  it("echoes, runs the line, prints =value and the prompt (what the CLI expects)", () => {
    const { console, out, lines } = makeConsole();
    feed(console, "1+2\r");
    assert.deepEqual(lines, ["1+2"]);
    assert.equal(out(), "1+2\r\n=3\r\n>");
  });

  it("greets a client that takes over the console with the prompt", () => {
    const { console, out } = makeConsole();
    console.attach();
    assert.equal(out(), ">");
  });

  it("answers a bare newline with a new prompt and no value", () => {
    const { console, out } = makeConsole();
    feed(console, "\n");
    assert.equal(out(), "\r\n>");
  });

  it("DLE at the start of a line: no echo, no =value, output still shown", () => {
    const { console, out, lines } = makeConsole();
    feed(console, '\x10print("< << {} >> >")\n');
    assert.deepEqual(lines, ['print("< << {} >> >")']);
    assert.equal(out(), "< << {} >> >\r\n>");
    const second = makeConsole();
    feed(second.console, "\x101+2\n");
    assert.equal(second.out(), "", "no =3 for a line sent with echo off");
  });

  it("continues a line while brackets are open, and ESC LF never runs it", () => {
    const { console, out, lines } = makeConsole();
    feed(console, "function f() {\rreturn 1;\r}\r");
    assert.deepEqual(lines, ["function f() {\nreturn 1;\n}"]);
    assert.equal(out(), "function f() {\r\n:return 1;\r\n:}\r\n=26\r\n>");
    const alt = makeConsole();
    feed(alt.console, "\x10a\x1b\nb\n");
    assert.deepEqual(alt.lines, ["a\nb"]);
  });

  it("swallows escape sequences such as the CLI's line numbers (ESC [ n d)", () => {
    const { console, lines } = makeConsole();
    feed(console, "\x10\x1b[12dx=1\n\x10\x1b[Dy\n");
    assert.deepEqual(lines, ["x=1", "y"]);
  });

  it("treats \\r\\n as two newlines, as Espruino does (the second runs an empty line)", () => {
    const { console, out, lines } = makeConsole();
    feed(console, "ab\r\n");
    assert.deepEqual(lines, ["ab", ""]);
    assert.equal(out(), "ab\r\n=2\r\n>");
  });

  it("Ctrl-C clears the input line; backspace deletes; Ctrl-E identifies the board", () => {
    const { console, out, lines } = makeConsole();
    console.receive("abc\x03");
    console.returnInputLine();
    assert.equal(out(), "abc\x1b[D\x1b[D\x1b[D\r\x1b[J>");
    feed(console, "xy\x7fz\r");
    assert.deepEqual(lines, ["xz"]);
    const e = makeConsole();
    feed(e.console, "\x05");
    assert.equal(e.out(), "Espruino 2v29 TEST\r\n");
  });

  it("an error prints no =value", () => {
    const { console, out } = makeConsole();
    feed(console, "throw 1\r");
    assert.equal(out(), "throw 1\r\n>");
  });

  it("removes the prompt before printing output, then puts it back", () => {
    const { console, out } = makeConsole();
    feed(console, "ab");
    console.print("async\n");
    console.returnInputLine();
    assert.equal(out(), "ab\x1b[D\x1b[D\r\x1b[Jasync\r\n>ab");
  });

  it("gives the same lines however the input is split (every boundary)", () => {
    const input = '\x10print("x")\n1+2\r\x10\x1b[3dvar a = [1,\x1b\n2];\nfunction g() {\r}\r\x03';
    const whole = makeConsole();
    feed(whole.console, input);
    for (let cut = 0; cut <= input.length; cut++) {
      const split = makeConsole();
      split.console.receive(input.substring(0, cut));
      split.console.receive(input.substring(cut));
      split.console.returnInputLine();
      assert.deepEqual(split.lines, whole.lines, `cut at ${cut}`);
    }
  });

  describe("countBrackets", () => {
    it("ignores brackets in strings, comments, regular expressions and templates", () => {
      assert.equal(countBrackets("f(a, [1, {b: 2}])"), 0);
      assert.equal(countBrackets("if (x) {"), 1);
      assert.equal(countBrackets('print("(")'), 0);
      assert.equal(countBrackets("x = /[(]/.test(s)"), 0);
      assert.equal(countBrackets("a = b / (c) / d"), 0);
      assert.equal(countBrackets("// ( {"), 0);
      assert.equal(countBrackets("`(${x}"), 1000);
      assert.equal(countBrackets("`(`"), 0);
      assert.equal(countBrackets("/* open"), 1000);
      assert.equal(countBrackets('print("unfinished'), 0);
      assert.equal(countBrackets(")("), -1);
    });

    it("counts any balanced nesting as closed, and each open bracket once (property)", () => {
      const balanced: fc.Arbitrary<string> = fc.letrec((tie) => ({
        node: fc.oneof(
          { depthSize: "small" },
          fc.constantFrom("a", "1", " ", '"(["', "'}'", ";"),
          fc.tuple(fc.constantFrom("()", "[]", "{}"), fc.array(tie("node") as fc.Arbitrary<string>, { maxLength: 3 })).map(
            ([pair, inner]) => pair[0] + inner.join("") + pair[1],
          ),
        ),
      })).node as fc.Arbitrary<string>;
      fc.assert(
        fc.property(fc.array(balanced, { maxLength: 4 }), fc.nat({ max: 5 }), (parts, open) => {
          const code = parts.join(" ");
          assert.equal(countBrackets(code), 0);
          assert.equal(countBrackets("(".repeat(open) + code), open);
        }),
      );
    });
  });
});
