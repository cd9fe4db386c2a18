// Argument parsers shared by the scripts' commander definitions.
import { InvalidArgumentError } from "commander";

/** Parses a whole number, naming the option in its complaint. */
export function wholeNumber(name: string): (value: string) => number {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} takes a whole number, not "${value}"`);
    return Number(value);
  };
}

/** Parses a number with an optional fraction (e.g. minutes: 0.5), naming the option in its complaint. */
export function decimalNumber(name: string): (value: string) => number {
  return (value: string): number => {
    if (!/^\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError(`${name} takes a number, not "${value}"`);
    return Number(value);
  };
}
