// docs/requirements.md is the one place requirement ids are defined; everything that cites an id, a decision or a
// policy id, or a path, must point at something a reader of this repository can open.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  decisionIdsDefined,
  missingPaths,
  policyIdsDefined,
  read,
  repositoryPathsCited,
  requirementIdsCited,
  requirementIdsDefined,
  trackedTextFiles,
} from "../../support/references.js";

const requirements = read("docs/requirements.md");
const defined = requirementIdsDefined(requirements);

describe("docs/requirements.md", () => {
  it("defines the install plan's, the DR plan's and the practice's requirements", () => {
    for (const id of ["R-5.1.1", "R-3.1.1", "R-DR-1", "R-DR-2", "R-RS-2", "R-SEC-2"]) assert.ok(defined.has(id), id);
  });

  it("every requirement id cited anywhere in the tree is defined there", () => {
    const unknown = trackedTextFiles().flatMap((f) =>
      requirementIdsCited(read(f))
        .filter((id) => !defined.has(id))
        .map((id) => `${f}: ${id}`),
    );
    assert.deepEqual(unknown, []);
  });

  it("the decisions and policy ids it cites exist", () => {
    const decisions = decisionIdsDefined(read("docs/decisions.md"));
    const policies = policyIdsDefined(read("docs/policies.md"));
    const cited = (re: RegExp) => [...new Set([...requirements.matchAll(re)].map((m) => m[1]))];
    assert.deepEqual(
      cited(/\b(D\d+)\b/g).filter((d) => !decisions.has(d)),
      [],
    );
    const ruleIds = [...requirements.matchAll(/rules? ((?:[A-Z]\d+(?:–[A-Z]\d+)?(?:, )?)+)/g)].flatMap((m) =>
      m[1].split(", ").flatMap((r) => r.split("–")),
    );
    assert.deepEqual(
      ruleIds.filter((r) => !policies.has(r)),
      [],
    );
  });

  it("the files it names exist", () => assert.deepEqual(missingPaths(repositoryPathsCited(requirements)), []));

  it("catches an undefined id, a missing file and a missing decision (negative controls)", () => {
    assert.deepEqual(
      requirementIdsCited(`retained 35 days (R-5.1.1), see also R-${"99.9"}`).filter((id) => !defined.has(id)),
      ["R-" + "99.9"],
    );
    assert.deepEqual(missingPaths(repositoryPathsCited("met by `infra/database/nowhere.ts` and docs/runbook.md")), [
      "infra/database/nowhere.ts",
    ]);
    assert.equal(decisionIdsDefined("### D1 — x\n### D2 — y\n").has("D3"), false);
    assert.equal(policyIdsDefined("| `postgres-x` | N5 | src | high |\n").has("N5"), true);
  });
});
