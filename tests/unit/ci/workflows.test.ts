// The delivery pipeline holds its trust boundaries: each rule of tests/support/workflow-rules.ts holds for every
// committed workflow, and each is shown catching its regression on a mutated copy (negative controls).
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { type Workflow, workflowProblems } from "../../support/workflow-rules.js";

const DIR = ".github/workflows";
const files = readdirSync(DIR).filter((f) => f.endsWith(".yml"));
const load = (f: string) => {
  const source = readFileSync(`${DIR}/${f}`, "utf8");
  return { source, workflow: parse(source) as Workflow };
};

describe("workflows", () => {
  it("has the delivery workflows to check", () =>
    assert.ok(files.includes("pulumi.yml") && files.includes("pr-comment.yml")));

  for (const f of files) {
    it(`${f} holds every trust rule`, () => {
      const { source, workflow } = load(f);
      assert.deepEqual(workflowProblems(f, workflow, source), []);
    });
  }

  describe("negative controls on pulumi.yml", () => {
    const mutated = (change: (w: any) => void, sourceChange: (s: string) => string = (s) => s) => {
      const { source, workflow } = load("pulumi.yml");
      const copy = structuredClone(workflow) as any;
      change(copy);
      return workflowProblems("pulumi.yml", copy, sourceChange(source));
    };
    const cases: [string, (w: any) => void, RegExp, ((s: string) => string)?][] = [
      ["an OIDC token on the pull-request job", (w) => (w.jobs.checks.permissions["id-token"] = "write"), /OIDC token/],
      [
        "the Pulumi token in workflow-level env",
        (w) => (w.jobs.checks.env = { T: "${{ secrets.PULUMI_ACCESS_TOKEN }}" }),
        /references a secret/,
      ],
      [
        "a secret in workflow-level env",
        (w) => (w.env = { ARM_CLIENT_ID: "${{ secrets.ARM_CLIENT_ID }}" }),
        /workflow-level env references a secret/,
      ],
      [
        "a write token for pull-request code",
        (w) => (w.jobs.checks.permissions["pull-requests"] = "write"),
        /write token/,
      ],
      [
        "a cloud preview outside production",
        (w) => w.jobs.checks.steps.push({ run: "pulumi preview --stack prod" }),
        /cloud pulumi command/,
      ],
      [
        "the deploy without its environment",
        (w) => delete w.jobs.deploy.environment,
        /cloud credential outside the production/,
      ],
      [
        "persisted checkout credentials",
        (w) => delete w.jobs.checks.steps[0].with["persist-credentials"],
        /persists credentials/,
      ],
      [
        "an action on a tag",
        (w) => (w.jobs.checks.steps[1].uses = "actions/setup-node@v4"),
        /not pinned to a full commit SHA/,
      ],
      [
        "an unpinned Pulumi CLI",
        (w) => delete w.jobs.deploy.steps.at(-1).with["pulumi-version"],
        /CLI version is not pinned/,
      ],
      ["default write permissions", (w) => (w.permissions = { contents: "write" }), /default permissions must be \{\}/],
      ["a job without permissions", (w) => delete w.jobs.deploy.permissions, /no explicit permissions/],
      ["a pin without its tag comment", () => undefined, /has no tag comment/, (s) => s.replace("# v4.4.0", "")],
    ];
    for (const [label, change, expect, sourceChange] of cases) {
      it(`catches ${label}`, () =>
        assert.ok(
          mutated(change, sourceChange).some((p) => expect.test(p)),
          label,
        ));
    }
  });

  it("catches a workflow_run job that checks out code", () => {
    const { source, workflow } = load("pr-comment.yml");
    const copy = structuredClone(workflow) as any;
    copy.jobs.comment.steps.unshift({
      uses: "actions/checkout@11d5960a326750d5838078e36cf38b85af677262",
      with: { "persist-credentials": false },
    });
    assert.ok(workflowProblems("pr-comment.yml", copy, source).some((p) => /checks out code/.test(p)));
  });
});
