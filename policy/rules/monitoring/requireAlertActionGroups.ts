import type { PolicyResource } from "@pulumi/policy";
import { METRIC_ALERT_FREQUENCIES, METRIC_ALERT_WINDOWS, durationMinutes } from "../../../infra/config/azure-facts.js";
import { PROD_ONLY, T, arr, armIdNames, dependsOn, obj, stackRule, str } from "../../rule.js";

const RECEIVER_LISTS = [
  "emailReceivers",
  "smsReceivers",
  "webhookReceivers",
  "voiceReceivers",
  "azureAppPushReceivers",
  "logicAppReceivers",
  "azureFunctionReceivers",
  "armRoleReceivers",
  "itsmReceivers",
  "eventHubReceivers",
  "automationRunbookReceivers",
  "incidentReceivers",
];

/** Action-group ids an alert notifies, whatever the alert kind's shape. */
function actionGroupIds(alert: PolicyResource): string[] {
  const a: unknown = alert.props.actions;
  const ids =
    alert.type === T.metricAlert
      ? arr(a).map((x) => obj(x).actionGroupId)
      : alert.type === T.scheduledQueryRule
        ? arr(obj(a).actionGroups)
        : arr(obj(a).actionGroups).map((x) => obj(x).actionGroupId);
  return ids.filter((v): v is string => typeof v === "string");
}

function hasReceiver(group: PolicyResource): boolean {
  return group.props.enabled !== false && RECEIVER_LISTS.some((k) => arr(group.props[k]).length > 0);
}

/** M2: an alert that notifies nobody, or that Azure rejects, is no alert. */
export const requireAlertActionGroups = stackRule({
  name: "monitoring-require-alert-action-groups",
  description:
    "Every alert notifies an action group of the stack that has a receiver; metric-alert windows and frequencies are values Azure accepts.",
  severity: "high",
  meta: {
    catalogueId: "M2",
    sources: ["R-8.2.2", "Azure metric-alert windowSize/evaluationFrequency values"],
    enforcement: PROD_ONLY,
    why: "The plan's 3/10-minute windows do not exist in Azure, and an alert without receivers fires into the void.",
  },
  check: (resources, _args, report) => {
    const groups = resources.filter((r) => r.type === T.actionGroup);
    const alerts = resources.filter((r) =>
      [T.metricAlert, T.scheduledQueryRule, T.activityLogAlert].includes(r.type as never),
    );
    for (const alert of alerts) {
      const ids = actionGroupIds(alert);
      const targets = groups.filter(
        (g) =>
          ids.some((id) => armIdNames(id, "actionGroups", str(g.props.actionGroupName) ?? g.name)) ||
          (ids.length > 0 && dependsOn(alert, g)),
      );
      if (ids.length === 0) report(`alert ${alert.name} notifies no action group`, alert.urn);
      else if (!targets.some(hasReceiver))
        report(`alert ${alert.name} notifies no action group of this stack that has a receiver`, alert.urn);
      if (alert.type === T.metricAlert) {
        const window = str(alert.props.windowSize) ?? "";
        const frequency = str(alert.props.evaluationFrequency) ?? "";
        if (!(METRIC_ALERT_WINDOWS as readonly string[]).includes(window)) {
          report(
            `alert ${alert.name} has windowSize ${window || "(not set)"}, not one of ${METRIC_ALERT_WINDOWS.join(", ")}`,
            alert.urn,
          );
        }
        if (!(METRIC_ALERT_FREQUENCIES as readonly string[]).includes(frequency)) {
          report(
            `alert ${alert.name} has evaluationFrequency ${frequency || "(not set)"}, not one of ${METRIC_ALERT_FREQUENCIES.join(", ")}`,
            alert.urn,
          );
        } else if (
          (METRIC_ALERT_WINDOWS as readonly string[]).includes(window) &&
          durationMinutes(frequency) > durationMinutes(window)
        ) {
          report(`alert ${alert.name} evaluates every ${frequency}, less often than its ${window} window`, alert.urn);
        }
      }
    }
    for (const group of groups.filter((g) => !hasReceiver(g))) {
      report(`action group ${group.name} has no receiver`, group.urn);
    }
  },
});
