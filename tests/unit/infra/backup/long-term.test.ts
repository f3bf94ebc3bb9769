/**
 * The LongTermBackup component under mocks with prod's config, and the prod and dev stacks: the vault's hardening, the
 * weekly policy with its retention rules, the two role assignments of the vault's identity (role id and scope each),
 * the backup instance on the configured primary after both assignments. Each assertion is a problem list
 * (`ltrProblems`) that a mutated capture must make non-empty: the negative controls.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  LongTermBackup,
  backupInstanceName,
  policyName,
  policyRules,
  weeklySchedule,
} from "../../../../infra/backup/long-term.js";
import { LTR_VAULT_ROLES } from "../../../../infra/config/azure-facts.js";
import type { ResolvedLongTermBackup } from "../../../../infra/config/platform.js";
import {
  type CapturedResource,
  MOCK_BACKUP_VAULT_PRINCIPAL,
  MOCK_SUBSCRIPTION,
  type OfflineRun,
  runOffline,
  runStackFile,
} from "../../../../tools/offline.js";
import { azurePlatform } from "../../../support/stack-platforms.js";

const platform = azurePlatform("prod");
const ltr = platform.longTermBackup!;
const RG = platform.resourceGroupName;
const RG_ID = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${RG}`;
const SERVER_ID = `${RG_ID}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${platform.server.name}`;
const ROLE = (guid: string) =>
  `/subscriptions/${MOCK_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

type P = Record<string, any>;
const ofType = (rs: readonly CapturedResource[], t: string) => rs.filter((r) => r.type === `azure-native:${t}`);

/**
 * Everything the component must hold, as problems: the vault (protected, system identity, immutability, soft delete,
 * redundancy), the policy (PostgreSQL datasource, weekly schedule, retention), the two role assignments (role, scope,
 * principal), the instance (protected, the server, the policy, after both assignments).
 */
function ltrProblems(rs: readonly CapturedResource[], serverId = SERVER_ID, rgId = RG_ID): string[] {
  const out: string[] = [];
  const vaults = ofType(rs, "dataprotection:BackupVault");
  const policies = ofType(rs, "dataprotection:BackupPolicy");
  const instances = ofType(rs, "dataprotection:BackupInstance");
  if (vaults.length !== 1 || policies.length !== 1 || instances.length !== 1)
    return [`expected one vault, policy and instance, got ${vaults.length}/${policies.length}/${instances.length}`];
  const [vault, policy, instance] = [vaults[0], policies[0], instances[0]];
  const vp = vault.inputs.properties as P;
  if (!vault.protect) out.push("vault not protected");
  if ((vault.inputs.identity as P)?.type !== "SystemAssigned") out.push("vault has no system-assigned identity");
  if (vp.securitySettings?.immutabilitySettings?.state !== ltr.immutability) out.push("immutability not as configured");
  if (vp.securitySettings?.softDeleteSettings?.state !== "On") out.push("soft delete not on");
  if (vp.securitySettings?.softDeleteSettings?.retentionDurationInDays !== ltr.softDeleteRetentionDays)
    out.push("soft-delete retention not as configured");
  if (vp.storageSettings?.[0]?.type !== ltr.redundancy || vp.storageSettings?.[0]?.datastoreType !== "VaultStore")
    out.push("storage redundancy not as configured");
  if (vault.inputs.location !== platform.location) out.push("vault not in the server's region");

  const pp = policy.inputs.properties as P;
  if (JSON.stringify(pp.datasourceTypes) !== JSON.stringify(["Microsoft.DBforPostgreSQL/flexibleServers"]))
    out.push("policy not for PostgreSQL Flexible Server");
  const rules = pp.policyRules as P[];
  const backup = rules.find((r) => r.objectType === "AzureBackupRule");
  const interval = backup?.trigger?.schedule?.repeatingTimeIntervals?.[0] as string | undefined;
  if (!interval?.endsWith("/P1W")) out.push(`schedule ${interval} is not weekly`);
  const retention = Object.fromEntries(
    rules
      .filter((r) => r.objectType === "AzureRetentionRule")
      .map((r) => [r.name, r.lifecycles[0].deleteAfter.duration]),
  );
  if (retention.Default !== `P${ltr.retention.weeks * 7}D`) out.push(`default retention ${retention.Default}`);
  if (retention.Monthly !== `P${ltr.retention.months}M`) out.push(`monthly retention ${retention.Monthly}`);
  const monthlyTag = backup?.trigger?.taggingCriteria?.find((t: P) => t.tagInfo?.tagName === "Monthly");
  if (monthlyTag?.criteria?.[0]?.absoluteCriteria?.[0] !== "FirstOfMonth") out.push("no FirstOfMonth tag for Monthly");

  const assignments = ofType(rs, "authorization:RoleAssignment").filter(
    (a) => a.inputs.principalId === MOCK_BACKUP_VAULT_PRINCIPAL,
  );
  const grant = (role: string, scope: string) =>
    assignments.find((a) => a.inputs.roleDefinitionId === ROLE(role) && a.inputs.scope === scope);
  const onServer = grant(LTR_VAULT_ROLES.longTermRetentionBackup, serverId);
  const onRg = grant(LTR_VAULT_ROLES.reader, rgId);
  if (!onServer) out.push("no LTR backup role for the vault's identity on the server");
  if (!onRg) out.push("no Reader for the vault's identity on the resource group");
  if (assignments.length !== 2) out.push(`the vault's identity holds ${assignments.length} assignments, not 2`);
  for (const a of assignments)
    if (a.inputs.principalType !== "ServicePrincipal") out.push(`${a.name} principalType ${a.inputs.principalType}`);

  const ip = instance.inputs.properties as P;
  if (!instance.protect) out.push("instance not protected");
  if (ip.dataSourceInfo?.resourceID !== serverId || ip.dataSourceSetInfo?.resourceID !== serverId)
    out.push("instance does not protect the server");
  if (
    ip.policyInfo?.policyId !== policy.urn &&
    !String(ip.policyInfo?.policyId).endsWith(`/backupPolicies/${policyName(ltr)}`)
  )
    out.push("instance not on the policy");
  for (const a of [onServer, onRg])
    if (a && !instance.dependsOn.includes(a.urn)) out.push(`instance does not wait for ${a.name}`);
  return out;
}

/** A copy of the capture with one resource's inputs (or options) changed. */
function mutate(
  rs: readonly CapturedResource[],
  pick: (r: CapturedResource) => boolean,
  change: (r: CapturedResource & { inputs: P }) => Partial<CapturedResource> | void,
): CapturedResource[] {
  return rs.map((r) => {
    if (!pick(r)) return r;
    const copy = structuredClone(r) as CapturedResource & { inputs: P };
    return { ...copy, ...(change(copy) ?? {}) };
  });
}
const isType = (t: string) => (r: CapturedResource) => r.type === `azure-native:${t}`;

describe("LongTermBackup component (prod config, under mocks)", () => {
  let run: OfflineRun;
  before(async () => {
    run = await runOffline({
      stack: "prod",
      config: {},
      program: async () => {
        new LongTermBackup("long-term-backup", {
          longTermBackup: ltr,
          resourceGroupName: RG,
          resourceGroupId: RG_ID,
          location: platform.location,
          server: { name: platform.server.name, id: SERVER_ID },
          tags: platform.tags,
          after: [],
        });
        return {};
      },
    });
  });

  it("holds vault, policy, both role assignments and the instance as configured", () => {
    assert.deepEqual(ltrProblems(run.resources), []);
    const vault = ofType(run.resources, "dataprotection:BackupVault")[0];
    assert.equal(vault.inputs.vaultName, "bv-phonebill-auth-prod");
    assert.deepEqual((vault.inputs.properties as P).featureSettings, {
      crossRegionRestoreSettings: { state: "Enabled" },
    });
    const instance = ofType(run.resources, "dataprotection:BackupInstance")[0];
    assert.equal(instance.inputs.backupInstanceName, backupInstanceName(platform.server.name, SERVER_ID));
    assert.match(String(instance.inputs.backupInstanceName), /^phonebill-auth-postgresql-prod-[0-9a-f-]{36}$/);
  });

  describe("negative controls: each mutation is caught", () => {
    const controls: [string, (rs: readonly CapturedResource[]) => CapturedResource[], RegExp][] = [
      [
        "unprotected vault",
        (rs) => mutate(rs, isType("dataprotection:BackupVault"), () => ({ protect: false })),
        /vault not protected/,
      ],
      [
        "no identity",
        (rs) => mutate(rs, isType("dataprotection:BackupVault"), (r) => void (r.inputs.identity = { type: "None" })),
        /system-assigned identity/,
      ],
      [
        "immutability off",
        (rs) =>
          mutate(rs, isType("dataprotection:BackupVault"), (r) => {
            r.inputs.properties.securitySettings.immutabilitySettings.state = "Disabled";
          }),
        /immutability/,
      ],
      [
        "soft delete off",
        (rs) =>
          mutate(rs, isType("dataprotection:BackupVault"), (r) => {
            r.inputs.properties.securitySettings.softDeleteSettings.state = "Off";
          }),
        /soft delete not on/,
      ],
      [
        "locally redundant",
        (rs) =>
          mutate(rs, isType("dataprotection:BackupVault"), (r) => {
            r.inputs.properties.storageSettings[0].type = "LocallyRedundant";
          }),
        /redundancy/,
      ],
      [
        "daily schedule",
        (rs) =>
          mutate(rs, isType("dataprotection:BackupPolicy"), (r) => {
            const rule = r.inputs.properties.policyRules.find((x: P) => x.objectType === "AzureBackupRule");
            rule.trigger.schedule.repeatingTimeIntervals = ["R/2026-11-06T18:00:00+00:00/P1D"];
          }),
        /not weekly/,
      ],
      [
        "shorter monthly retention",
        (rs) =>
          mutate(rs, isType("dataprotection:BackupPolicy"), (r) => {
            const rule = r.inputs.properties.policyRules.find((x: P) => x.name === "Monthly");
            rule.lifecycles[0].deleteAfter.duration = "P6M";
          }),
        /monthly retention P6M/,
      ],
      [
        "the two roles swapped",
        (rs) =>
          mutate(rs, isType("authorization:RoleAssignment"), (r) => {
            r.inputs.roleDefinitionId = String(r.inputs.roleDefinitionId).endsWith(LTR_VAULT_ROLES.reader)
              ? ROLE(LTR_VAULT_ROLES.longTermRetentionBackup)
              : ROLE(LTR_VAULT_ROLES.reader);
          }),
        /no LTR backup role .* on the server/,
      ],
      [
        "the LTR role on the resource group instead of the server",
        (rs) =>
          mutate(
            rs,
            (r) => r.type === "azure-native:authorization:RoleAssignment" && r.inputs.scope === SERVER_ID,
            (r) => void (r.inputs.scope = RG_ID),
          ),
        /no LTR backup role/,
      ],
      [
        "Reader on the server instead of the resource group",
        (rs) =>
          mutate(
            rs,
            (r) => r.type === "azure-native:authorization:RoleAssignment" && r.inputs.scope === RG_ID,
            (r) => void (r.inputs.scope = SERVER_ID),
          ),
        /no Reader .* on the resource group/,
      ],
      [
        "a role granted to another principal",
        (rs) =>
          mutate(
            rs,
            (r) => r.type === "azure-native:authorization:RoleAssignment" && r.inputs.scope === RG_ID,
            (r) => void (r.inputs.principalId = "55555555-5555-5555-5555-555555555555"),
          ),
        /no Reader/,
      ],
      [
        "unprotected instance",
        (rs) => mutate(rs, isType("dataprotection:BackupInstance"), () => ({ protect: false })),
        /instance not protected/,
      ],
      [
        "instance on a replica",
        (rs) =>
          mutate(rs, isType("dataprotection:BackupInstance"), (r) => {
            r.inputs.properties.dataSourceInfo.resourceID = `${SERVER_ID}-krs`;
          }),
        /does not protect the server/,
      ],
      [
        "instance before the role assignments",
        (rs) => mutate(rs, isType("dataprotection:BackupInstance"), () => ({ dependsOn: [] })),
        /does not wait for/,
      ],
    ];
    for (const [what, change, expected] of controls)
      it(what, () => {
        const found = ltrProblems(change(run.resources));
        assert.ok(
          found.some((p) => expected.test(p)),
          `${what}: expected ${expected}, got ${JSON.stringify(found)}`,
        );
      });
  });
});

describe("the policy's schedule, rules and name (pure)", () => {
  it("writes Friday 18:00 UTC for Saturday 03:00 KST, weekly, on a Friday", () => {
    assert.equal(weeklySchedule(ltr.scheduleUtc), "R/2026-11-06T18:00:00+00:00/P1W");
    assert.equal(new Date("2026-11-06T18:00:00Z").getUTCDay(), 5);
    assert.equal(weeklySchedule({ dayOfWeek: 0, startHour: 2, startMinute: 30 }), "R/2026-11-01T02:30:00+00:00/P1W");
  });

  it("adds Monthly and Yearly rules only when configured", () => {
    const only = (r: Partial<ResolvedLongTermBackup["retention"]>) =>
      policyRules({ ...ltr, retention: { weeks: 4, ...r } })
        .map((x) => String(x.name as string))
        .join(",");
    assert.equal(only({}), "BackupWeekly,Default");
    assert.equal(only({ months: 6 }), "BackupWeekly,Default,Monthly");
    assert.equal(only({ months: 6, years: 7 }), "BackupWeekly,Default,Monthly,Yearly");
  });

  it("names a changed policy differently (Azure cannot modify one), the same policy the same", () => {
    const base = policyName(ltr);
    assert.match(base, /^ltr-weekly-12w-12m-[0-9a-f]{8}$/);
    assert.equal(policyName(structuredClone(ltr)), base);
    assert.notEqual(policyName({ ...ltr, retention: { weeks: 12, months: 24 } }), base);
    assert.notEqual(policyName({ ...ltr, scheduleUtc: { ...ltr.scheduleUtc, startHour: 19 } }), base);
  });
});

describe("the stacks", () => {
  it("prod composes the vault for the configured primary with the real resource group and server ids", async () => {
    const run = await runStackFile("prod");
    assert.deepEqual(ltrProblems(run.resources), []);
    const instance = ofType(run.resources, "dataprotection:BackupInstance")[0];
    // prod's last write to the servers is the virtual endpoint pair (D70): the readiness check runs after it.
    const last = run.resources.find((r) => r.type === "azure-native:dbforpostgresql:VirtualEndpoint")!;
    assert.ok(instance.dependsOn.includes(last.urn), "the instance waits for the servers' last write");
  });

  it("dev, whose config leaves it out, has no vault, policy, instance or vault role (negative control of the above)", async () => {
    const run = await runStackFile("dev");
    assert.deepEqual(
      run.resources.filter((r) => /dataprotection:/.test(r.type)).map((r) => r.urn),
      [],
    );
    assert.match(ltrProblems(run.resources).join(), /expected one vault, policy and instance, got 0\/0\/0/);
  });
});
