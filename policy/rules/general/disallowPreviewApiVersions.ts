import type { ResourceValidationArgs } from "@pulumi/policy";
import { PROD_ONLY, type AuthdbResourcePolicy } from "../../rule.js";

/** azure-native versioned modules carry the API version in the token, e.g. dbforpostgresql/v20240801preview. */
const PREVIEW_MODULE = /^azure-native:[^:]*\/v\d{8}preview:/i;

/** M3: preview APIs change shape and lose support without notice. Applies to every type, so it is written by hand. */
export const disallowPreviewApiVersions: AuthdbResourcePolicy = {
  name: "general-disallow-preview-api-versions",
  description: "No resource uses a preview API version of azure-native.",
  severity: "medium",
  enforcementLevel: "mandatory",
  meta: {
    catalogueId: "M3",
    sources: ["pulumi/compliance-policies disallowPreviewResource"],
    enforcement: PROD_ONLY,
    why: "Preview API versions have no SLA and can change or vanish; production stays on the SDK's stable default version.",
  },
  validateResource: (args: ResourceValidationArgs, reportViolation) => {
    if (!args.type.startsWith("azure-native:")) args.notApplicable("applies to azure-native resources only");
    if (PREVIEW_MODULE.test(args.type)) {
      reportViolation(
        `[M3] ${args.name} uses the preview API module ${args.type}: use the version-less module (stable default API)`,
      );
    }
  },
};
