/**
 * The policy catalogue: the rows the pack must cover, merged from the external rule sets (Azure Policy built-ins, CIS
 * Microsoft Azure Foundations, Checkov, Trivy, Prowler, the Azure Proactive Resiliency Library) and the platform's own
 * requirements (docs/requirements.md). Each row belongs to one area, and the area is the folder its rules live in:
 * `policy/rules/<area>/<verbWhat>.ts`. docs/policies.md renders this table (`npm run docs:policies`); a test fails when
 * a rule sits in another area's folder, a file's name disagrees with its policy's name, or a row has no rule and no
 * reason.
 */

export const CATALOGUE_AREAS = {
  network: "Network exposure",
  encryption: "Encryption and TLS",
  identity: "Identity and credentials",
  logging: "Logging and auditing",
  resilience: "Backup, disaster recovery and high availability",
  keyvault: "Key Vault",
  monitoring: "Alerts",
  general: "General hygiene",
} as const;

export type CatalogueArea = keyof typeof CATALOGUE_AREAS;

export interface CatalogueRow {
  readonly area: CatalogueArea;
  /** What the row asks, in one line. */
  readonly asks: string;
}

export const CATALOGUE = {
  N1: {
    area: "network",
    asks: "Public network access disabled: the server is VNet-integrated (delegated subnet and private DNS zone).",
  },
  N2: { area: "network", asks: "Private access only: VNet integration or a private endpoint." },
  N3: { area: "network", asks: 'No "allow Azure services" firewall rule (0.0.0.0–0.0.0.0).' },
  N4: { area: "network", asks: "No over-broad firewall range (starting at 0.0.0.0 or ending at 255.255.255.255)." },
  N5: {
    area: "network",
    asks: "The database subnet is reachable only from the application subnets on the database ports; everything else is denied (R-2.2.2).",
  },
  E1: { area: "encryption", asks: "TLS required: require_secure_transport on." },
  E2: { area: "encryption", asks: "Minimum TLS 1.2: ssl_min_protocol_version TLSv1.2 or TLSv1.3 (R-4.1.2)." },
  E3: {
    area: "encryption",
    asks: "Data encrypted with a customer-managed key (advisory: the plan uses service-managed keys, R-4.2.1).",
  },
  E4: { area: "encryption", asks: "Infrastructure double encryption." },
  A1: { area: "identity", asks: "A Microsoft Entra administrator exists and Entra sign-in is enabled (R-4.1.3)." },
  A2: {
    area: "identity",
    asks: "Entra-only sign-in: password authentication disabled (advisory while the plan issues passwords).",
  },
  A3: { area: "identity", asks: "Microsoft Defender for open-source relational databases covers every server." },
  A4: {
    area: "identity",
    asks: "No hard-coded or default credential; generated passwords of at least 16 characters with every character class, passed as secrets (R-RS-2, R-4.1.2).",
  },
  L1: { area: "logging", asks: "log_checkpoints on." },
  L2: { area: "logging", asks: "log_connections on." },
  L3: { area: "logging", asks: "log_disconnections on." },
  L4: { area: "logging", asks: "connection_throttle.enable on." },
  L5: { area: "logging", asks: "Server log files kept more than 3 days (Azure Policy: at least 7)." },
  L6: { area: "logging", asks: "pgaudit loaded and logging role, DDL and misc statements." },
  L7: { area: "logging", asks: "log_line_prefix carries time, session, user, database, application and client." },
  L8: { area: "logging", asks: "Slow statements are logged, so slow queries per hour can be counted (R-6.2.1)." },
  L9: {
    area: "logging",
    asks: "A diagnostic setting sends every log category and all metrics to Log Analytics (R-8.1.1).",
  },
  B1: { area: "resilience", asks: "Geo-redundant backup on every primary (R-5.1.1)." },
  B2: { area: "resilience", asks: "Backup retention at least the environment's floor: 35 days in prod (R-5.1.1)." },
  B3: {
    area: "resilience",
    asks: "Long-term retention in prod: every primary is protected by a backup instance in an Azure Backup vault of the stack (R-DR-4).",
  },
  H1: { area: "resilience", asks: "Zone-redundant high availability in prod, standby in another zone (R-3.1.1)." },
  H2: { area: "resilience", asks: "A custom maintenance window in the quiet hours (Sunday 02:00 KST, R-5.1.1)." },
  H3: { area: "resilience", asks: "Deletion protection: protect and a CanNotDelete lock on the stateful resources." },
  H4: {
    area: "resilience",
    asks: "The zone fields Azure changes at failover are ignored, so a failover is not undone by the next deployment.",
  },
  H5: {
    area: "resilience",
    asks: "Read replicas are valid for Azure: tier, size, storage and count within Microsoft's rules (R-3.2.1).",
  },
  H6: {
    area: "resilience",
    asks: "A primary with read replicas has a pair of virtual endpoints, so a switchover keeps the host names (advisory).",
  },
  K1: { area: "keyvault", asks: "Purge protection and soft delete (7–90 days)." },
  K2: { area: "keyvault", asks: "The Azure RBAC permission model, not access policies." },
  K3: { area: "keyvault", asks: "Public network access off, or a firewall that denies by default." },
  K4: { area: "keyvault", asks: "A private endpoint for the vault, registered in privatelink.vaultcore.azure.net." },
  K5: { area: "keyvault", asks: "Every secret carries an expiry: its rotation horizon (R-4.1.2, R-SEC-2)." },
  K6: { area: "keyvault", asks: "Every secret carries a content type." },
  K7: { area: "keyvault", asks: "The vault's audit log goes to Log Analytics (R-SEC-5)." },
  K8: {
    area: "keyvault",
    asks: "Least privilege: each identity reads only its own secrets; no vault-wide or standing write role (R-SEC-3).",
  },
  M1: {
    area: "monitoring",
    asks: "Every prod server has alerts for down, CPU, memory, connections, storage and deadlocks, every replica for lag (R-8.2.2, R-6.2.1).",
  },
  M2: {
    area: "monitoring",
    asks: "Every alert reaches an action group with a receiver, with windows Azure accepts (R-8.2.2).",
  },
  M3: { area: "general", asks: "No preview API version of any resource in prod." },
  M5: {
    area: "monitoring",
    asks: "A server alerted on an enhanced metric (deadlocks) emits it: metrics.collector_database_activity = on (R-6.2.1).",
  },
  M6: {
    area: "monitoring",
    asks: "A server with the lock-wait alert samples waits: pgms_wait_sampling.query_capture_mode = all, Query Store capturing (R-6.2.1).",
  },
  M4: {
    area: "general",
    asks: "Every resource is tagged for cost tracking: environment, service, owner, cost-center (R-11.1.1).",
  },
} as const satisfies Record<string, CatalogueRow>;

export type CatalogueId = keyof typeof CATALOGUE;

/** Where a rule lives and what it is called, as the taxonomy test reads them off the tree. */
export interface RuleLocation {
  /** Path below policy/rules, e.g. `keyvault/enablePurgeProtection.ts`. */
  readonly file: string;
  readonly policyName: string;
  readonly catalogueId: string;
}

/**
 * The file a policy must live in: its catalogue row's area as the folder, and its name without the leading resource
 * word, camel-cased (`keyvault-enable-purge-protection` → `keyvault/enablePurgeProtection.ts`). The file path is the
 * policy's name, as in pulumi/compliance-policies; the names are the stable part (deployed state and
 * policy/config/nonprod.json refer to them), so a disagreement is fixed by moving the file.
 */
export function expectedRuleFile(policyName: string, catalogueId: string): string | undefined {
  const row = (CATALOGUE as Record<string, CatalogueRow>)[catalogueId];
  if (!row) return undefined;
  const [, ...words] = policyName.split("-");
  const base = words.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join("");
  return `${row.area}/${base}.ts`;
}

/** Every way the tree disagrees with the catalogue, one line each. */
export function taxonomyProblems(rules: readonly RuleLocation[], notApplicable: readonly string[]): string[] {
  const problems: string[] = [];
  for (const r of rules) {
    const expected = expectedRuleFile(r.policyName, r.catalogueId);
    if (!expected)
      problems.push(`${r.file}: ${r.policyName} cites catalogue row ${r.catalogueId}, which does not exist`);
    else if (expected !== r.file) problems.push(`${r.file}: ${r.policyName} belongs in ${expected}`);
  }
  const covered = new Set(rules.map((r) => r.catalogueId));
  for (const id of Object.keys(CATALOGUE)) {
    if (covered.has(id) === notApplicable.includes(id))
      problems.push(
        covered.has(id)
          ? `row ${id} has a rule and a not-applicable reason`
          : `row ${id} has no rule and no not-applicable reason`,
      );
  }
  return problems;
}
