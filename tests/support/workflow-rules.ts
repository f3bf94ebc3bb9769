/**
 * The delivery pipeline's trust rules, checked on the parsed workflow files (D44): what runs pull-request code
 * holds no secret and no OIDC token; cloud operations run only in the production environment; least permissions per
 * job; no persisted checkout credentials; every action pinned to a full commit SHA with its tag; the Pulumi CLI pinned.
 */
export interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, unknown>;
}
export interface Job {
  readonly permissions?: Record<string, string> | string;
  readonly environment?: string | { name: string };
  readonly env?: Record<string, unknown>;
  readonly if?: string;
  readonly steps?: readonly Step[];
}
export interface Workflow {
  readonly on: Record<string, unknown> | string | string[];
  readonly permissions?: Record<string, string> | string;
  readonly env?: Record<string, unknown>;
  readonly jobs: Record<string, Job>;
}

const SHA_PIN = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/;
const SECRET_REF = /\$\{\{\s*secrets\./;

function triggers(w: Workflow): string[] {
  return typeof w.on === "string" ? [w.on] : Array.isArray(w.on) ? w.on : Object.keys(w.on);
}

function environmentOf(job: Job): string | undefined {
  return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

/** Whether the job can run on a pull_request event (its `if` does not exclude it). */
function runsOnPullRequests(w: Workflow, job: Job): boolean {
  if (!triggers(w).includes("pull_request") && !triggers(w).includes("pull_request_target")) return false;
  return !/github\.event_name\s*==\s*'push'/.test(job.if ?? "");
}

/**
 * The problems of one workflow file. `source` is its raw text (the pin comments live there).
 */
export function workflowProblems(name: string, w: Workflow, source: string): string[] {
  const out: string[] = [];
  if (triggers(w).includes("pull_request_target"))
    out.push(`${name}: pull_request_target runs with secrets on PR code`);
  const top = w.permissions;
  if (!(top && typeof top === "object" && Object.keys(top).length === 0)) {
    out.push(`${name}: the workflow's default permissions must be {} (each job asks for what it needs)`);
  }
  if (SECRET_REF.test(JSON.stringify(w.env ?? {}))) {
    out.push(`${name}: workflow-level env references a secret, which every job — pull-request ones too — receives`);
  }
  for (const [id, job] of Object.entries(w.jobs)) {
    const where = `${name} job ${id}`;
    if (!job.permissions || typeof job.permissions !== "object") out.push(`${where}: no explicit permissions`);
    const perms = typeof job.permissions === "object" ? job.permissions : {};
    const text = JSON.stringify(job);
    const production = environmentOf(job) === "production";
    if (runsOnPullRequests(w, job)) {
      if (SECRET_REF.test(text)) out.push(`${where}: runs pull-request code and references a secret`);
      if (perms["id-token"] === "write") out.push(`${where}: runs pull-request code with an OIDC token`);
      if (production) out.push(`${where}: runs pull-request code in the production environment`);
      if (Object.entries(perms).some(([k, v]) => v === "write" && k !== "id-token"))
        out.push(`${where}: runs pull-request code with a write token`);
    }
    if ((perms["id-token"] === "write" || /PULUMI_ACCESS_TOKEN|ARM_CLIENT_ID/.test(text)) && !production) {
      out.push(`${where}: a cloud credential outside the production environment`);
    }
    for (const step of job.steps ?? []) {
      if (step.uses) {
        if (!SHA_PIN.test(step.uses)) out.push(`${where}: ${step.uses} is not pinned to a full commit SHA`);
        const line = source.split("\n").find((l) => l.includes(`uses: ${step.uses}`)) ?? "";
        if (SHA_PIN.test(step.uses) && !/#\s*v\d/.test(line)) out.push(`${where}: ${step.uses} has no tag comment`);
        if (step.uses.startsWith("actions/checkout@") && step.with?.["persist-credentials"] !== false) {
          out.push(`${where}: checkout persists credentials`);
        }
        if (step.uses.startsWith("pulumi/actions@") && !/^\d+\.\d+\.\d+$/.test(String(step.with?.["pulumi-version"]))) {
          out.push(`${where}: the Pulumi CLI version is not pinned`);
        }
      }
      if (/pulumi\s+(preview|up|refresh|destroy)\b/.test(step.run ?? "") && !production) {
        out.push(`${where}: a cloud pulumi command outside the production environment`);
      }
    }
    if (
      triggers(w).includes("workflow_run") &&
      (job.steps ?? []).some((s) => s.uses?.startsWith("actions/checkout@"))
    ) {
      out.push(`${where}: a workflow_run job checks out code (it must treat the run's artifacts as data only)`);
    }
  }
  return out;
}
