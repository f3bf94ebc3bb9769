import type { PolicyResource } from "@pulumi/policy";
import { EVERYWHERE, T, stackRule } from "../../rule.js";

/**
 * The inputs that carry credentials, per resource type. A value there that is not a Pulumi secret is written to the
 * state file and the preview in clear text.
 */
export const SECRET_BEARING_INPUTS: Readonly<Record<string, readonly string[]>> = {
  [T.server]: ["administratorLoginPassword"],
  [T.secret]: ["properties"],
  [T.actionGroup]: ["webhookReceivers"],
  "kubernetes:core/v1:Secret": ["data", "stringData"],
  "docker:index/container:Container": ["envs"],
};

/** Container environments carry a credential only when a variable is named like one. */
// A credential variable's name ends in what it holds (POSTGRES_PASSWORD, JWT_SECRET, API_TOKEN); POSTGRES_PASSWORD_FILE
// or SECRETS_DIR name a path to mounted secrets, which is the safe pattern.
const CREDENTIAL_ENV = /^[A-Z0-9_]*(PASSWORD|PASSWD|SECRET|TOKEN)=/i;

function carriesCredential(type: string, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (type === "docker:index/container:Container")
    return Array.isArray(value) && value.some((e) => typeof e === "string" && CREDENTIAL_ENV.test(e));
  return true;
}

/**
 * CrossGuard hands policies secret values already unwrapped, so it cannot tell a secret from a plain string. The
 * offline runner (policy/evaluate.ts) knows which inputs were secret and attaches their names under this key.
 */
export const SECRET_INPUTS_KEY = "__authdbSecretInputs";

export type ResourceWithSecretInputs = PolicyResource & { readonly [SECRET_INPUTS_KEY]?: readonly string[] };

/** A4 (handling): every secret-bearing value is a Pulumi secret. */
export const requireSecretInputs = stackRule({
  name: "secrets-require-secret-inputs",
  description:
    "Every credential-bearing input (server password, Key Vault secret, webhook URL, Kubernetes secret data) is a Pulumi secret.",
  severity: "critical",
  meta: {
    catalogueId: "A4",
    sources: ["R-RS-2", "R-4.1.2"],
    enforcement: EVERYWHERE,
    why: "A credential that is not a Pulumi secret lands in clear text in the state file, the preview and CI logs.",
  },
  check: (resources, args, report) => {
    const withSecretness = resources as readonly ResourceWithSecretInputs[];
    if (!withSecretness.some((r) => Array.isArray(r[SECRET_INPUTS_KEY]))) {
      args.notApplicable("secretness is invisible to CrossGuard (values arrive unwrapped); npm run plan checks it");
    }
    for (const r of withSecretness) {
      const secret = r[SECRET_INPUTS_KEY] ?? [];
      for (const input of SECRET_BEARING_INPUTS[r.type] ?? []) {
        if (carriesCredential(r.type, r.props[input]) && !secret.includes(input)) {
          report(
            `${r.type.split(":").pop()} ${r.name} passes ${input} in plain text: wrap it with pulumi.secret(...)`,
            r.urn,
          );
        }
      }
    }
  },
});
