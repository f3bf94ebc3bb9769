import type { ResourceValidationArgs } from "@pulumi/policy";
import { REQUIRED_TAGS } from "../../../infra/config/rules.js";
import {
  ADVISORY,
  ENVIRONMENT_CONFIG_SCHEMA,
  T,
  environmentOf,
  obj,
  type AuthdbResourcePolicy,
  type EnvironmentConfig,
} from "../../rule.js";

/** azure-native types the platform creates that accept tags (the rest — subnets, parameters, locks … — have none). */
export const TAGGABLE_TYPES: readonly string[] = [
  "azure-native:resources:ResourceGroup",
  T.server,
  "azure-native:network:VirtualNetwork",
  T.nsg,
  T.privateEndpoint,
  T.privateZone,
  "azure-native:privatedns:VirtualNetworkLink",
  T.vault,
  T.secret,
  "azure-native:operationalinsights:Workspace",
  T.actionGroup,
  T.metricAlert,
  T.scheduledQueryRule,
  T.activityLogAlert,
  "azure-native:applicationinsights:Workbook",
  "azure-native:managedidentity:UserAssignedIdentity",
];

/** M4: cost reports group by these tags; an untagged resource is cost nobody owns. */
export const requireCostTags: AuthdbResourcePolicy = {
  name: "general-require-cost-tags",
  description:
    "Every taggable Azure resource carries environment, service, owner and cost-center tags, with environment matching the stack.",
  severity: "low",
  enforcementLevel: "advisory",
  configSchema: ENVIRONMENT_CONFIG_SCHEMA,
  meta: {
    catalogueId: "M4",
    sources: ["R-11.1.1"],
    enforcement: ADVISORY,
    why: "The plan's cost tracking groups spend by these tags.",
  },
  validateResource: (args: ResourceValidationArgs, reportViolation) => {
    if (!TAGGABLE_TYPES.includes(args.type)) args.notApplicable("type takes no tags");
    const tags = obj(args.props.tags);
    const missing = REQUIRED_TAGS.filter((t) => typeof tags[t] !== "string" || tags[t] === "");
    if (missing.length > 0)
      reportViolation(`[M4] ${args.name} lacks the tag${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`);
    const environment = environmentOf(() => args.getConfig<EnvironmentConfig>(), args.urn);
    if (typeof tags.environment === "string" && environment !== "" && tags.environment !== environment) {
      reportViolation(`[M4] ${args.name} is tagged environment=${tags.environment} in the ${environment} stack`);
    }
  },
};
