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

  describe("the change preview on pull requests", () => {
    /** What the preview job must be: PR-only, read-only, no secret, writes preview.md that pr-comment posts. */
    const previewProblems = (pulumi: any, comment: any): string[] => {
      const out: string[] = [];
      const job = pulumi.jobs?.preview;
      if (!job) return ["no preview job"];
      if (job.if !== "github.event_name == 'pull_request'") out.push("preview job does not run on pull requests only");
      if (JSON.stringify(job.permissions) !== JSON.stringify({ contents: "read" }))
        out.push("preview job asks for more than contents: read");
      const text = JSON.stringify(job);
      if (/secrets\./.test(text)) out.push("preview job references a secret");
      const run = job.steps.map((st: any) => st.run ?? "").join("\n");
      if (!/npm run plan -- --stack prod --base "\$BASE_SHA" .*--markdown preview\/preview\.md/.test(run))
        out.push("preview job does not write the change preview's Markdown");
      const upload = job.steps.find((st: any) => String(st.uses).startsWith("actions/upload-artifact@"));
      if (upload?.with?.name !== "preview" || upload?.if !== "always()")
        out.push("preview job does not always upload its artifact");
      const downloads = comment.jobs.comment.steps.filter((st: any) =>
        String(st.uses).startsWith("actions/download-artifact@"),
      );
      if (!downloads.some((d: any) => d.with?.name === "preview" && d.with?.path === "plan"))
        out.push("pr-comment does not download the preview beside the plan");
      const commentRun = comment.jobs.comment.steps.map((st: any) => st.run ?? "").join("\n");
      if (!commentRun.includes("plan/preview.md")) out.push("pr-comment does not post plan/preview.md");
      return out;
    };
    it("runs the offline change preview without credentials and hands its Markdown to pr-comment", () =>
      assert.deepEqual(previewProblems(load("pulumi.yml").workflow, load("pr-comment.yml").workflow), []));
    const negative: [string, (p: any, c: any) => void, RegExp][] = [
      ["no preview job", (p) => delete p.jobs.preview, /no preview job/],
      [
        "a write permission",
        (p) => (p.jobs.preview.permissions["pull-requests"] = "write"),
        /more than contents: read/,
      ],
      ["a secret", (p) => (p.jobs.preview.env = { T: "${{ secrets.PULUMI_ACCESS_TOKEN }}" }), /references a secret/],
      ["no Markdown", (p) => (p.jobs.preview.steps.at(-3).run = "npm run plan -- --stack prod"), /Markdown/],
      ["an upload skipped on a refused change", (p) => delete p.jobs.preview.steps.at(-2).if, /always upload/],
      ["pr-comment not downloading it", (_, c) => c.jobs.comment.steps.splice(1, 1), /download the preview/],
    ];
    for (const [label, change, expect] of negative) {
      it(`catches ${label}`, () => {
        const p = structuredClone(load("pulumi.yml").workflow) as any;
        const c = structuredClone(load("pr-comment.yml").workflow) as any;
        change(p, c);
        assert.ok(
          previewProblems(p, c).some((x) => expect.test(x)),
          label,
        );
      });
    }
    it("the general trust rules also hold for the preview job (an OIDC token there is caught)", () => {
      const { source, workflow } = load("pulumi.yml");
      const copy = structuredClone(workflow) as any;
      copy.jobs.preview.permissions["id-token"] = "write";
      assert.ok(workflowProblems("pulumi.yml", copy, source).some((p) => /preview.*OIDC token/.test(p)));
    });
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
