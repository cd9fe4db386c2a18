// ESLint plugin over the Espruino subset: the rules of catalogue.ts, fired by
// the checks beside it (syntax, regular expressions, built-in members, globals,
// scopes).
//
//   espruino/subset           every error-level rule (syntax, globals, scopes, regular expressions)
//   espruino/subset-warnings  warning-level rules that match by name where types would be needed to be sure
//                             (a user object may have an `at()` or `split()` method)
//   espruino/no-use-strict    'use strict' directives (a warning: Espruino ignores them)
//
// The same plugin runs in eslint.config.ts for app/ and inside the bundle gate.

import type { ESLint, Rule } from "eslint";
import { SUBSET_RULES, SUBSET_RULE_IDS, type SubsetRuleId } from "./catalogue.ts";
import { mergeVisitors, type Finding } from "./findings.ts";
import { checkGlobals, type GlobalScope } from "./globals-check.ts";
import { memberVisitors } from "./member-check.ts";
import { regexpVisitors } from "./regexp-check.ts";
import { checkScopes, type AnalysedScope } from "./scope-check.ts";
import { syntaxVisitors } from "./syntax-check.ts";

/** Every sub-rule is its own messageId, so callers can tell which one fired. */
const messages = Object.fromEntries(SUBSET_RULE_IDS.map((id) => [id, "{{message}}"]));

function createRule(ids: readonly SubsetRuleId[], description: string): Rule.RuleModule {
  const wanted = new Set<SubsetRuleId>(ids);
  return {
    meta: {
      type: "problem",
      docs: { description },
      messages,
      schema: [],
    },
    create(context) {
      const sourceCode = context.sourceCode;
      const seen = new Set<string>();
      const reporter = (finding: Finding): void => {
        if (!wanted.has(finding.rule)) return;
        const start = finding.index ?? finding.node.range?.[0] ?? -1;
        const key = `${finding.rule}@${start}:${finding.message}`;
        if (seen.has(key)) return; // a node can be visited twice (shorthand properties)
        seen.add(key);
        const data = { message: finding.message };
        if (finding.index !== undefined) {
          const loc = sourceCode.getLocFromIndex(finding.index);
          context.report({ loc: { start: loc, end: loc }, messageId: finding.rule, data });
        } else {
          context.report({ node: finding.node as Rule.Node, messageId: finding.rule, data });
        }
      };
      // Where two groups visit the same node type (calls), both run.
      const visitors = mergeVisitors(syntaxVisitors(reporter), regexpVisitors(reporter), memberVisitors(reporter)) as Rule.RuleListener;
      return {
        ...visitors,
        "Program:exit"() {
          const scopeManager = sourceCode.scopeManager;
          const globalScope = scopeManager.globalScope;
          if (globalScope) checkGlobals(globalScope as unknown as GlobalScope, reporter);
          checkScopes(scopeManager.scopes as unknown as AnalysedScope[], reporter);
        },
      };
    },
  };
}

const errorIds = SUBSET_RULE_IDS.filter((id) => SUBSET_RULES[id].severity === "error");
const warningIds = SUBSET_RULE_IDS.filter((id) => SUBSET_RULES[id].severity === "warning" && id !== "use-strict");

const plugin = {
  meta: { name: "espruino-subset", version: "1.1.0" },
  rules: {
    subset: createRule(errorIds, "Keep code inside the JavaScript subset that Espruino runs"),
    "subset-warnings": createRule(
      warningIds,
      "Calls and reads that fail or differ on Espruino when the receiver is a built-in (matched by name, without types)",
    ),
    "no-use-strict": createRule(["use-strict"], "'use strict' is ignored by Espruino"),
  },
} satisfies ESLint.Plugin;

/**
 * Rule settings for the plugin registered as `espruino`: the subset as errors; name-matched doubts and
 * 'use strict' as warnings.
 */
export const espruinoRules = {
  "espruino/subset": "error",
  "espruino/subset-warnings": "warn",
  "espruino/no-use-strict": "warn",
} as const;

export default plugin;
