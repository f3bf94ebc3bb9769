/**
 * Long-term retention of the primary in an Azure Backup vault (R-DR-4, D73–D76): the vault (system-assigned identity,
 * immutability, soft delete, storage redundancy), a weekly policy for PostgreSQL Flexible Server, the vault identity's
 * two role assignments, and the backup instance that protects the server.
 *
 * What Microsoft documents and this component follows (docs/decisions.md D73–D76):
 * - The vault's identity needs "PostgreSQL Flexible Server Long Term Retention Backup" on the server and Reader on the
 *   server's resource group (MicrosoftDocs/azure-docs articles/backup/backup-azure-database-postgresql-flex-overview.md).
 * - A policy cannot be modified ("Currently, updating or modifying an existing policy isn't supported. Alternatively,
 *   you can create a new policy with the required details and assign it to the relevant backup instance." —
 *   backup-azure-database-postgresql-flex-use-rest-api-create-update-policy.md): the policy's name carries a digest of
 *   its rules, so a change is a new policy and the instance is moved to it.
 * - "LTR backup is not supported on replicas, it can be performed on primary servers." (azure-databases-docs
 *   concepts-backup-restore.md): the instance protects the configured primary only.
 */
import { createHash } from "node:crypto";
import * as authorization from "@pulumi/azure-native/authorization/index.js";
import * as dataprotection from "@pulumi/azure-native/dataprotection/index.js";
import type * as azureInputs from "@pulumi/azure-native/types/input.js";
import * as pulumi from "@pulumi/pulumi";
import { LTR_DATASOURCE_TYPE, LTR_VAULT_ROLES } from "../config/azure-facts.js";
import type { ResolvedLongTermBackup } from "../config/platform.js";
import { roleAssignmentName, roleDefinitionId, uuidV5 } from "../rbac.js";
import type { Tags } from "../types.js";

/** A Sunday in the past the weekly schedule is anchored on (ISO 8601 repeating interval `R/<start>/P1W`). */
const SCHEDULE_ANCHOR_SUNDAY = Date.UTC(2026, 10, 1);

/** authdb's namespace for backup instance names (Learn: "a combination of the resource name and a unique identifier"). */
const BACKUP_INSTANCE_NAMESPACE = "0d7a3c1e-5b2f-4e8a-9c61-7f4b2a9e8d35";

const VAULT_STORE = { dataStoreType: "VaultStore", objectType: "DataStoreInfoBase" } as const;

/** The weekly schedule as Azure Backup writes it: `R/2026-11-07T18:00:00+00:00/P1W` (UTC, the day of the week kept). */
export function weeklySchedule(utc: ResolvedLongTermBackup["scheduleUtc"]): string {
  const start = new Date(SCHEDULE_ANCHOR_SUNDAY + utc.dayOfWeek * 86_400_000);
  const date = start.toISOString().slice(0, 10);
  const hh = String(utc.startHour).padStart(2, "0");
  const mm = String(utc.startMinute).padStart(2, "0");
  return `R/${date}T${hh}:${mm}:00+00:00/P1W`;
}

/** A retention rule: keep the recovery points tagged `name` for `duration` in the vault store. */
const retentionRule = (name: string, isDefault: boolean, duration: string) => ({
  name,
  objectType: "AzureRetentionRule" as const,
  isDefault,
  lifecycles: [
    {
      deleteAfter: { objectType: "AbsoluteDeleteOption" as const, duration },
      sourceDataStore: VAULT_STORE,
      targetDataStoreCopySettings: [],
    },
  ],
});

/**
 * The policy's rules, in the shape of Microsoft's example (backup-azure-database-postgresql-flex-use-rest-api-create-
 * update-policy.md): one weekly full backup to the vault store; the Default retention rule keeps every weekly point
 * `weeks` × 7 days, a Monthly rule the first backup of each month, a Yearly rule the first of each year. Tag priorities
 * follow the documented order ("The priority is the highest for the yearly rule, followed by the monthly, and then the
 * weekly rule").
 */
export function policyRules(
  l: ResolvedLongTermBackup,
): (azureInputs.dataprotection.AzureBackupRuleArgs | azureInputs.dataprotection.AzureRetentionRuleArgs)[] {
  const tagged = (tagName: string, taggingPriority: number, marker: "FirstOfMonth" | "FirstOfYear") => ({
    isDefault: false,
    tagInfo: { tagName },
    taggingPriority,
    criteria: [{ objectType: "ScheduleBasedBackupCriteria" as const, absoluteCriteria: [marker] }],
  });
  const { weeks, months, years } = l.retention;
  return [
    {
      name: "BackupWeekly",
      objectType: "AzureBackupRule",
      backupParameters: { backupType: "Full", objectType: "AzureBackupParams" },
      dataStore: VAULT_STORE,
      trigger: {
        objectType: "ScheduleBasedTriggerContext",
        schedule: { repeatingTimeIntervals: [weeklySchedule(l.scheduleUtc)], timeZone: "UTC" },
        taggingCriteria: [
          { isDefault: true, tagInfo: { tagName: "Default" }, taggingPriority: 99 },
          ...(months !== undefined ? [tagged("Monthly", 15, "FirstOfMonth")] : []),
          ...(years !== undefined ? [tagged("Yearly", 10, "FirstOfYear")] : []),
        ],
      },
    },
    retentionRule("Default", true, `P${weeks * 7}D`),
    ...(months !== undefined ? [retentionRule("Monthly", false, `P${months}M`)] : []),
    ...(years !== undefined ? [retentionRule("Yearly", false, `P${years}Y`)] : []),
  ];
}

/**
 * The policy's Azure name: its retention in words and a digest of every rule, so a change of schedule or retention is a
 * new policy (policies cannot be modified in place), e.g. `ltr-weekly-12w-12m-3f9c2a1b`.
 */
export function policyName(l: ResolvedLongTermBackup): string {
  const r = l.retention;
  const words = [`${r.weeks}w`, ...(r.months ? [`${r.months}m`] : []), ...(r.years ? [`${r.years}y`] : [])];
  const digest = createHash("sha256")
    .update(JSON.stringify(policyRules(l)))
    .digest("hex")
    .slice(0, 8);
  return `ltr-weekly-${words.join("-")}-${digest}`;
}

/** The backup instance's Azure name: the server's name and a GUID derived from its ARM id. */
export function backupInstanceName(serverName: string, serverId: string): string {
  return `${serverName}-${uuidV5(BACKUP_INSTANCE_NAMESPACE, serverId.toLowerCase())}`;
}

export interface LongTermBackupArgs {
  readonly longTermBackup: ResolvedLongTermBackup;
  readonly resourceGroupName: pulumi.Input<string>;
  /** ARM id of the resource group holding the server (Reader scope). */
  readonly resourceGroupId: pulumi.Input<string>;
  /** The vault's region: the server's (Learn: backups need the vault "within the same tenant and region"). */
  readonly location: string;
  /** The configured primary: LTR is not supported on replicas. */
  readonly server: { readonly name: string; readonly id: pulumi.Input<string> };
  readonly tags: Tags;
  /**
   * The last write to the servers: protecting the server runs Azure Backup's readiness check against it, which is not
   * to meet a replica creation or a restart (D12, D13).
   */
  readonly after: readonly pulumi.Resource[];
}

export class LongTermBackup extends pulumi.ComponentResource {
  readonly vaultId: pulumi.Output<string>;
  readonly vaultName: pulumi.Output<string>;
  readonly policyId: pulumi.Output<string>;
  readonly backupInstanceName: pulumi.Output<string>;

  constructor(name: string, args: LongTermBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authdb:azure:LongTermBackup", name, {}, opts);
    const l = args.longTermBackup;

    // Stateful: the recovery points live in the vault, so it is protected like the servers and the Key Vault. Azure
    // documents no property it changes on its own (the spec marks none read-write), so nothing is ignored (D75).
    const vault = new dataprotection.BackupVault(
      `${name}-vault`,
      {
        resourceGroupName: args.resourceGroupName,
        vaultName: l.vaultName,
        location: args.location,
        identity: { type: "SystemAssigned" },
        properties: {
          storageSettings: [{ datastoreType: "VaultStore", type: l.redundancy }],
          securitySettings: {
            immutabilitySettings: { state: l.immutability },
            softDeleteSettings: { state: "On", retentionDurationInDays: l.softDeleteRetentionDays },
          },
          ...(l.redundancy === "GeoRedundant"
            ? {
                featureSettings: {
                  crossRegionRestoreSettings: { state: l.crossRegionRestore ? "Enabled" : "Disabled" },
                },
              }
            : {}),
          monitoringSettings: { azureMonitorAlertSettings: { alertsForAllJobFailures: "Enabled" } },
        },
        tags: args.tags,
      },
      { parent: this, protect: true },
    );

    const policy = new dataprotection.BackupPolicy(
      `${name}-policy`,
      {
        resourceGroupName: args.resourceGroupName,
        vaultName: vault.name,
        backupPolicyName: policyName(l),
        properties: {
          objectType: "BackupPolicy",
          datasourceTypes: [LTR_DATASOURCE_TYPE],
          policyRules: policyRules(l),
        },
      },
      // A new policy (new name) is created before the old one is deleted, so the instance is never without one.
      { parent: this },
    );

    const principalId = vault.identity.apply((i) => {
      if (!i?.principalId)
        throw new Error(`Azure returned no system-assigned identity for Backup vault ${l.vaultName}`);
      return i.principalId;
    });
    const assign = (suffix: string, scope: pulumi.Input<string>, roleGuid: string) =>
      new authorization.RoleAssignment(
        `${name}-${suffix}`,
        {
          scope,
          principalId,
          principalType: "ServicePrincipal",
          roleDefinitionId: pulumi.output(scope).apply((sc) => roleDefinitionId(sc, roleGuid)),
          roleAssignmentName: pulumi
            .all([scope, principalId])
            .apply(([sc, pr]) => roleAssignmentName(sc, pr, roleGuid)),
        },
        { parent: this },
      );
    const onServer = assign("server-ltr-role", args.server.id, LTR_VAULT_ROLES.longTermRetentionBackup);
    const onResourceGroup = assign("resource-group-reader", args.resourceGroupId, LTR_VAULT_ROLES.reader);

    const serverId = pulumi.output(args.server.id);
    const datasource = (objectType: "Datasource" | "DatasourceSet") => ({
      objectType,
      datasourceType: LTR_DATASOURCE_TYPE,
      resourceType: LTR_DATASOURCE_TYPE,
      resourceID: serverId,
      resourceName: args.server.name,
      resourceLocation: args.location,
      resourceUri: "",
    });
    const instanceName = serverId.apply((id) => backupInstanceName(args.server.name, id));
    // Azure validates the vault's permissions when the instance is created ("The backup readiness check ensures the
    // vault has sufficient permissions"), so the instance waits for both assignments.
    new dataprotection.BackupInstance(
      `${name}-instance`,
      {
        resourceGroupName: args.resourceGroupName,
        vaultName: vault.name,
        backupInstanceName: instanceName,
        properties: {
          objectType: "BackupInstance",
          friendlyName: args.server.name,
          dataSourceInfo: datasource("Datasource"),
          dataSourceSetInfo: datasource("DatasourceSet"),
          policyInfo: { policyId: policy.id },
        },
      },
      { parent: this, protect: true, dependsOn: [onServer, onResourceGroup, ...args.after] },
    );

    this.vaultId = vault.id;
    this.vaultName = vault.name;
    this.policyId = policy.id;
    this.backupInstanceName = instanceName;
    this.registerOutputs({
      vaultId: this.vaultId,
      vaultName: this.vaultName,
      policyId: this.policyId,
      backupInstanceName: this.backupInstanceName,
    });
  }
}
