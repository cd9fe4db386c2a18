// What a check hands back to its caller: findings through a reporter, and
// node visitors that the caller runs over a syntax tree. The ESLint plugin is
// the one caller; the checks know nothing of ESLint.

import { SUBSET_RULES, type SubsetRuleId } from "./catalogue.ts";
import { isTypeOnly, type SubsetNode } from "./nodes.ts";

export interface Finding {
  rule: SubsetRuleId;
  message: string;
  node: SubsetNode;
  /** Absolute source offset when the finding is more precise than its node. */
  index?: number;
}

export type Reporter = (finding: Finding) => void;

/** Checks keyed by ESTree node type (ESLint selector syntax). */
export type Visitors = Record<string, (node: SubsetNode) => void>;

/** Reports a finding, with the rule's default message unless one is given; code the build erases is skipped. */
export function report(reporter: Reporter, rule: SubsetRuleId, node: SubsetNode, message?: string, index?: number): void {
  if (isTypeOnly(node)) return; // erased by the build
  reporter({ rule, message: message ?? SUBSET_RULES[rule].message, node, index });
}

/** One record from several groups of visitors: where groups visit the same node type, each runs, in the order given. */
export function mergeVisitors(...groups: readonly Visitors[]): Visitors {
  const merged: Visitors = {};
  for (const group of groups) {
    for (const [selector, visit] of Object.entries(group)) {
      const earlier = merged[selector];
      merged[selector] =
        earlier === undefined
          ? visit
          : (node) => {
              earlier(node);
              visit(node);
            };
    }
  }
  return merged;
}
