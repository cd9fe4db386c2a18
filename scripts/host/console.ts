// Espruino's console line discipline (pure: characters in, text out, lines
// handed to an evaluator), after jsiHandleConsoleChar / jsiHandleNewLine in
// src/jsinteractive.c. This is what the espruino CLI talks to:
// - typed characters are echoed; Enter runs the line once its brackets are
//   closed (otherwise "\n:" and the line continues); the result is printed as
//   "=value"; then the ">" prompt returns;
// - DLE (0x10) at the start of a line turns echo off for that line (no echo,
//   no "=value", no newline), which the CLI uses for everything it sends;
// - ESC LF is a newline that never runs the line (the CLI's "Alt-Enter");
//   other escape sequences (cursor keys, the CLI's ESC [ n d line numbers)
//   are consumed; Ctrl-C clears the line; Ctrl-E on an empty line answers
//   "Espruino <version> <board>"; backspace deletes;
// - output printed while the prompt shows first removes the prompt line;
//   every "\n" goes out as "\r\n".
// Not supported: cursor movement inside the line, history, tab completion,
// packet transfer (DLE SOH), password lock.

export interface ConsoleEvaluator {
  /** Run one line. `ok` false: it threw (and the evaluator already reported it). */
  evaluate(line: string): { ok: true; value: unknown } | { ok: false };
  /** The REPL's text for a value (after "="). */
  format(value: unknown): string;
}

type InputState = "none" | "dle" | "esc" | "esc-O" | "esc-[" | "esc-[-n";

/** Tokens that can come right before a regular expression literal. */
const BEFORE_REGEX = new Set(["", "(", ",", "=", ":", "[", "!", "&", "|", "?", "{", "}", ";", "+", "-", "*", "%", "<", ">", "~", "^", "return", "typeof", "case", "do", "else", "in", "instanceof", "new", "throw", "void", "delete"]);

/**
 * jsiCountBracketsInInput: open minus closed brackets outside strings,
 * comments, regular expressions and template literals. An unfinished string
 * counts 0 (run it, so that it errors); an unfinished comment or template 1000.
 */
export function countBrackets(code: string): number {
  let brackets = 0;
  let previous = "";
  let i = 0;
  while (i < code.length) {
    const ch = code[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "/" && code[i + 1] === "/") {
      while (i < code.length && code[i] !== "\n") i++;
      continue;
    }
    if (ch === "/" && code[i + 1] === "*") {
      const end = code.indexOf("*/", i + 2);
      if (end < 0) return 1000;
      i = end + 2;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === "`" || (ch === "/" && BEFORE_REGEX.has(previous))) {
      const quote = ch;
      i++;
      let inClass = false;
      let closed = false;
      while (i < code.length) {
        const c = code[i];
        if (c === "\\") {
          i += 2;
          continue;
        }
        if (quote === "/" && c === "[") inClass = true;
        else if (quote === "/" && c === "]") inClass = false;
        else if (c === quote && !inClass) {
          closed = true;
          i++;
          break;
        } else if (c === "\n" && quote !== "`") break;
        i++;
      }
      if (!closed) return quote === "`" ? 1000 : quote === "/" ? brackets : 0;
      previous = "x";
      continue;
    }
    if (/[A-Za-z0-9_$]/.test(ch)) {
      let j = i;
      while (j < code.length && /[A-Za-z0-9_$.]/.test(code[j])) j++;
      previous = code.substring(i, j);
      i = j;
      continue;
    }
    if (ch === "(" || ch === "[" || ch === "{") brackets++;
    if (ch === ")" || ch === "]" || ch === "}") {
      brackets--;
      if (brackets < 0) return brackets;
    }
    previous = ch === ")" || ch === "]" ? "x" : ch;
    i++;
  }
  return brackets;
}

export class EspruinoConsole {
  private line = "";
  private state: InputState = "none";
  private echoOffForLine = false;
  private echoOff = false;
  /** The prompt and input line are not on screen (jsiConsoleRemoveInputLine was called). */
  private removed = false;

  constructor(
    private readonly evaluator: ConsoleEvaluator,
    private readonly out: (text: string) => void,
    /** What Ctrl-E answers: "Espruino <version> <board>". */
    private readonly identity = "Espruino",
  ) {}

  /** echo(false) / echo(true) from the app. */
  setEcho(on: boolean): void {
    this.echoOff = !on;
  }

  /** Output from the app (print, console.log, errors): the prompt line goes away first. */
  print(text: string): void {
    this.removeInputLine();
    this.emit(text);
  }

  /** Characters from the client; `afterLine` runs after each executed line (pending reboots). */
  receive(data: string, afterLine: () => void = () => {}): void {
    for (const ch of data) this.handleChar(ch, afterLine);
  }

  /** End of an idle-loop pass: put the prompt back if it was removed. */
  returnInputLine(): void {
    if (!this.removed) return;
    this.removed = false;
    if (this.echo()) this.emit(">" + this.line.replace(/\n/g, "\n:"));
  }

  /** A client took over the console: it gets the prompt, as Espruino sends ">" on connect. */
  attach(): void {
    this.removed = true;
    this.returnInputLine();
  }

  /** Ctrl-C: clears the input line (an embedded board does not exit). */
  interrupt(): void {
    if (this.line === "") return;
    this.removeInputLine();
    this.line = "";
  }

  private echo(): boolean {
    return !this.echoOff && !this.echoOffForLine;
  }

  private showInputLine(): boolean {
    return this.echo() && !this.removed;
  }

  private emit(text: string): void {
    if (text !== "") this.out(text.replace(/\n/g, "\r\n"));
  }

  private removeInputLine(): void {
    if (this.removed) return;
    this.removed = true;
    if (!this.echo()) return;
    // Back to the start of the input: left along this line, up over earlier ones.
    const rows = this.line.split("\n");
    const column = rows[rows.length - 1].length;
    this.out("\x1b[D".repeat(column) + "\x1b[A".repeat(rows.length - 1) + "\r\x1b[J");
  }

  private append(text: string): void {
    this.line += text;
    if (this.showInputLine()) this.emit(text);
  }

  private handleChar(ch: string, afterLine: () => void): void {
    const code = ch.charCodeAt(0);
    if (code === 0) {
      this.state = "none";
    } else if (code === 1) {
      // SOH: packet transfer is not supported; ignored.
    } else if (code === 3) {
      this.interrupt();
    } else if (code === 5) {
      if (this.line === "") this.emit(`${this.identity}\n`);
    } else if (code === 16) {
      if (this.line === "") this.echoOffForLine = true;
      this.state = "dle";
    } else if (code === 27) {
      this.state = "esc";
    } else if (this.state === "esc") {
      this.state = ch === "O" ? "esc-O" : ch === "[" ? "esc-[" : "none";
      if (ch === "\n") this.handleNewLine(false, afterLine);
    } else if (this.state === "esc-O") {
      this.state = "none";
    } else if (this.state === "esc-[") {
      this.state = ch >= "0" && ch <= "9" ? "esc-[-n" : "none";
    } else if (this.state === "esc-[-n") {
      if (!(ch >= "0" && ch <= "9")) this.state = "none";
    } else {
      this.state = "none";
      if (code === 8 || code === 127) {
        if (this.line !== "") {
          this.line = this.line.substring(0, this.line.length - 1);
          if (this.showInputLine()) this.out("\x08 \x08");
        }
      } else if (ch === "\r" || ch === "\n") {
        // Espruino means to skip the \n of \r\n but its check never fires: \r\n is two newlines.
        this.handleNewLine(true, afterLine);
      } else if (code >= 32 || ch === "\t") {
        this.append(ch === "\t" && !this.echo() ? "    " : ch);
      }
    }
  }

  private handleNewLine(execute: boolean, afterLine: () => void): void {
    if (!execute || countBrackets(this.line) > 0) {
      if (this.showInputLine()) this.emit("\n:");
      this.line += "\n";
      return;
    }
    if (this.showInputLine()) this.emit("\n");
    if (!this.echoOffForLine) this.removed = true;
    const line = this.line.replace(/\s+$/, "");
    this.line = "";
    const result = this.evaluator.evaluate(line);
    if (result.ok && this.echo() && line !== "") this.emit("=" + this.evaluator.format(result.value) + "\n");
    this.echoOffForLine = false;
    afterLine();
  }
}
