// The repository's whole ESLint configuration (flat config; loaded through jiti on Node 20).
//   app/      device code: typescript-eslint recommended + the Espruino subset (scripts/gate/)
//   scripts/, test/, this file: host code on Node, typescript-eslint recommended

import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";
import espruino, { espruinoRules } from "./scripts/gate/eslint-plugin.ts";

export default defineConfig(
  globalIgnores(["dist/", "node_modules/", ".dev-pki/", "firmware/", "coverage/"]),
  {
    files: ["**/*.ts"],
    extends: [tseslint.configs.recommended],
    rules: {
      // `_name` marks a deliberately unused parameter or binding; an unused `catch (e)`
      // binding is fine (Espruino's `catch {}` support is read from its source, not measured).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
  },
  {
    files: ["app/**/*.ts"],
    plugins: { espruino },
    rules: {
      ...espruinoRules,
      "@typescript-eslint/no-explicit-any": "error",
      // Espruino does not hoist function declarations, so an object that
      // refers to functions is assigned after them, through a `let`.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Time is an input: the date comes from scripts/lib/clock.ts (or a test's
    // own choice), so that every date-dependent decision can be tested at any date.
    files: ["scripts/**/*.ts", "test/**/*.ts"],
    ignores: ["scripts/lib/clock.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: "Take the date as a parameter, or from currentTime() in scripts/lib/clock.ts; durations use performance.now().",
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: "Take the date as a parameter, or from currentTime() in scripts/lib/clock.ts; durations use performance.now().",
        },
      ],
    },
  },
  {
    files: ["test/**/*.ts"],
    rules: {
      // Tests poke at stubs and results they have just checked.
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
);
