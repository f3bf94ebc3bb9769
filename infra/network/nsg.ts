/**
 * Network security rules for the delegated PostgreSQL subnets, as pure data, and an evaluator of Azure's NSG semantics so
 * that tests can ask "does this packet get through?" instead of counting rules.
 *
 * Sources: Microsoft Learn "Networking overview … with private access (VNET Integration)" (concepts-networking-private:
 * HA and replicas need destination port 5432 within and between the database subnets, Azure Storage for WAL archival and
 * backups, the Microsoft Entra ID service tag when Entra authentication is on) and "Network security groups — how they
 * filter traffic" (priority order, default rules, service tags).
 */
import { addressInCidr } from "../config/cidr.js";
import { PGBOUNCER_PORT } from "../config/azure-facts.js";
import { POSTGRES_PORT } from "../types.js";

const HTTPS_PORT = 443;
const DNS_PORT = 53;

export type RuleAccess = "Allow" | "Deny";
export type RuleDirection = "Inbound" | "Outbound";
export type RuleProtocol = "Tcp" | "Udp" | "Icmp" | "*";

/**
 * One security rule in the exact shape `network.NetworkSecurityGroup` takes in `securityRules`, so the rule list the
 * component registers and the list the evaluator judges are the same object. Address fields use either the singular form
 * (one CIDR or service tag) or the plural form (several CIDRs), never both — Azure rejects a rule with both.
 */
export interface NsgRule {
  readonly name: string;
  readonly description: string;
  readonly priority: number;
  readonly direction: RuleDirection;
  readonly access: RuleAccess;
  readonly protocol: RuleProtocol;
  readonly sourceAddressPrefix?: string;
  readonly sourceAddressPrefixes?: string[];
  readonly sourcePortRange: string;
  readonly destinationAddressPrefix?: string;
  readonly destinationAddressPrefixes?: string[];
  readonly destinationPortRange: string;
}

/** The rules Azure puts in every NSG below the user's (priorities 65000+, not editable). */
export const AZURE_DEFAULT_RULES: readonly NsgRule[] = [
  defaultRule("AllowVnetInBound", 65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
  defaultRule("AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "AzureLoadBalancer", "*"),
  defaultRule("DenyAllInBound", 65500, "Inbound", "Deny", "*", "*"),
  defaultRule("AllowVnetOutBound", 65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
  defaultRule("AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "Internet"),
  defaultRule("DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*"),
];

function defaultRule(
  name: string,
  priority: number,
  direction: RuleDirection,
  access: RuleAccess,
  source: string,
  destination: string,
): NsgRule {
  return {
    name,
    description: "Azure default rule",
    priority,
    direction,
    access,
    protocol: "*",
    sourceAddressPrefix: source,
    sourcePortRange: "*",
    destinationAddressPrefix: destination,
    destinationPortRange: "*",
  };
}

export interface DatabaseSubnetRuleInput {
  /** The database subnet the NSG protects. */
  readonly databaseSubnetCidr: string;
  /** Every delegated database subnet of the platform (all regions), this one included: HA and replication peers. */
  readonly databaseSubnetCidrs: readonly string[];
  /** The subnets the database's clients run in (the AKS node subnet, and its pod subnet when pods have their own). */
  readonly applicationSubnetCidrs: readonly string[];
  /** Built-in PgBouncer listens on 6432 (Learn, concepts-pgbouncer: "PgBouncer runs on port 6432"). */
  readonly pgBouncer?: boolean;
}

/**
 * The NSG rules for one delegated database subnet.
 *
 * Inbound: 5432/TCP (and 6432 when PgBouncer is on) from the application subnets, 5432 from every database subnet
 * (zone-redundant HA inside the subnet, read replicas across regions), the platform's health probe source, then an
 * explicit deny of everything else — the explicit deny matters because Azure's default AllowVnetInBound would
 * otherwise let every subnet of every peered VNet in.
 *
 * Outbound: exactly what Microsoft's networking page lists for VNet-integrated servers (Learn,
 * concepts-networking-private: "allow traffic to destination port 5432 within the subnet, and also to Storage, by
 * using the service tag Storage as a destination"; "if you elect to use Microsoft Entra authentication … allow
 * outbound traffic to Microsoft Entra ID by using a Microsoft Entra service tag") — 5432 to the database subnets, HTTPS
 * to Storage (WAL archival, backups; the global tag, as cross-region replicas and geo-backup reach storage in both
 * Korean regions) and to AzureActiveDirectory — plus DNS to Azure's resolver, then a deny of everything else: no
 * general Internet from the database subnet.
 */
export function databaseSubnetRules(input: DatabaseSubnetRuleInput): NsgRule[] {
  const unique = (xs: readonly string[]) => [...new Set(xs)];
  const tcp = { protocol: "Tcp" as const, sourcePortRange: "*" };
  return [
    {
      name: "AllowPostgresFromApplication",
      description: "Application subnets (AKS nodes and pods) reach PostgreSQL",
      priority: 100,
      direction: "Inbound",
      access: "Allow",
      ...tcp,
      sourceAddressPrefixes: unique(input.applicationSubnetCidrs),
      destinationAddressPrefix: input.databaseSubnetCidr,
      destinationPortRange: String(POSTGRES_PORT),
    },
    {
      name: "AllowPostgresFromDatabaseSubnets",
      description: "HA standby and read replicas (all regions) replicate over 5432",
      priority: 110,
      direction: "Inbound",
      access: "Allow",
      ...tcp,
      sourceAddressPrefixes: unique(input.databaseSubnetCidrs),
      destinationAddressPrefix: input.databaseSubnetCidr,
      destinationPortRange: String(POSTGRES_PORT),
    },
    ...(input.pgBouncer
      ? [
          {
            name: "AllowPgBouncerFromApplication",
            description: "Application subnets reach the built-in PgBouncer",
            priority: 120,
            direction: "Inbound" as const,
            access: "Allow" as const,
            ...tcp,
            sourceAddressPrefixes: unique(input.applicationSubnetCidrs),
            destinationAddressPrefix: input.databaseSubnetCidr,
            destinationPortRange: String(PGBOUNCER_PORT),
          },
        ]
      : []),
    {
      name: "AllowAzureLoadBalancerProbe",
      description: "Azure platform health probes (168.63.129.16), which the explicit deny below would otherwise block",
      priority: 4000,
      direction: "Inbound",
      access: "Allow",
      protocol: "*",
      sourceAddressPrefix: "AzureLoadBalancer",
      sourcePortRange: "*",
      destinationAddressPrefix: input.databaseSubnetCidr,
      destinationPortRange: "*",
    },
    denyAll("Inbound", "Nothing else reaches the database subnet, including the rest of the VNet and peered VNets"),
    {
      name: "AllowPostgresToDatabaseSubnets",
      description: "HA and replication traffic to the database subnets of every region",
      priority: 100,
      direction: "Outbound",
      access: "Allow",
      ...tcp,
      sourceAddressPrefix: input.databaseSubnetCidr,
      destinationAddressPrefixes: unique(input.databaseSubnetCidrs),
      destinationPortRange: String(POSTGRES_PORT),
    },
    {
      name: "AllowAzureStorage",
      description: "WAL archival and backups (Microsoft Learn: required for VNet-integrated servers)",
      priority: 110,
      direction: "Outbound",
      access: "Allow",
      ...tcp,
      sourceAddressPrefix: input.databaseSubnetCidr,
      destinationAddressPrefix: "Storage",
      destinationPortRange: String(HTTPS_PORT),
    },
    {
      name: "AllowMicrosoftEntraId",
      description: "Microsoft Entra authentication of logins",
      priority: 120,
      direction: "Outbound",
      access: "Allow",
      ...tcp,
      sourceAddressPrefix: input.databaseSubnetCidr,
      destinationAddressPrefix: "AzureActiveDirectory",
      destinationPortRange: String(HTTPS_PORT),
    },
    {
      name: "AllowAzurePlatformDns",
      description: "Name resolution through Azure's resolver (168.63.129.16), e.g. of login.microsoftonline.com",
      priority: 130,
      direction: "Outbound",
      access: "Allow",
      protocol: "*",
      sourceAddressPrefix: input.databaseSubnetCidr,
      sourcePortRange: "*",
      destinationAddressPrefix: "AzurePlatformDNS",
      destinationPortRange: String(DNS_PORT),
    },
    denyAll("Outbound", "No general Internet or other destinations from the database subnet"),
  ];
}

function denyAll(direction: RuleDirection, description: string): NsgRule {
  return {
    name: direction === "Inbound" ? "DenyAllOtherInbound" : "DenyAllOtherOutbound",
    description,
    priority: 4096,
    direction,
    access: "Deny",
    protocol: "*",
    sourceAddressPrefix: "*",
    sourcePortRange: "*",
    destinationAddressPrefix: "*",
    destinationPortRange: "*",
  };
}

export interface PrivateEndpointSubnetRuleInput {
  readonly privateEndpointSubnetCidr: string;
  /** The subnets whose workloads read the vault (the application's). */
  readonly clientSubnetCidrs: readonly string[];
}

/**
 * The private-endpoint subnet (the Key Vault's endpoint): HTTPS from the clients' subnets, nothing else. NSGs apply to
 * private endpoints only when the subnet's privateEndpointNetworkPolicies enables them (network.ts sets
 * NetworkSecurityGroupEnabled).
 */
export function privateEndpointSubnetRules(input: PrivateEndpointSubnetRuleInput): NsgRule[] {
  return [
    {
      name: "AllowHttpsFromClients",
      description: "The application reads its password from the vault's private endpoint",
      priority: 100,
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      sourceAddressPrefixes: [...new Set(input.clientSubnetCidrs)],
      sourcePortRange: "*",
      destinationAddressPrefix: input.privateEndpointSubnetCidr,
      destinationPortRange: String(HTTPS_PORT),
    },
    denyAll("Inbound", "Nothing else reaches the private endpoints, including the database subnets and peered VNets"),
  ];
}

/** Problems Azure would reject the rule list for (or that make a rule unreachable), empty when none. */
export function nsgRuleProblems(rules: readonly NsgRule[]): string[] {
  const out: string[] = [];
  const seenNames = new Set<string>();
  const seenPriorities = new Map<string, string>();
  for (const r of rules) {
    if (seenNames.has(r.name)) out.push(`${r.name}: duplicate rule name`);
    seenNames.add(r.name);
    if (!Number.isInteger(r.priority) || r.priority < 100 || r.priority > 4096)
      out.push(`${r.name}: priority ${r.priority} is outside 100–4096`);
    const key = `${r.direction}/${r.priority}`;
    const other = seenPriorities.get(key);
    if (other) out.push(`${r.name}: priority ${r.priority} is already used by ${other} (${r.direction})`);
    else seenPriorities.set(key, r.name);
    for (const side of ["source", "destination"] as const) {
      const one = r[`${side}AddressPrefix`];
      const many = r[`${side}AddressPrefixes`];
      if ((one === undefined) === (many === undefined))
        out.push(`${r.name}: give exactly one of ${side}AddressPrefix and ${side}AddressPrefixes`);
      if (many !== undefined && many.length === 0) out.push(`${r.name}: ${side}AddressPrefixes is empty`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------------
// Evaluation

/**
 * A flow as the NSG sees it. An address is an IPv4 address, or — for destinations only Azure can resolve, such as
 * Storage — a service tag name; tags other than VirtualNetwork, AzureLoadBalancer and Internet match by name, since their
 * address ranges change weekly and are not modelled here.
 */
export interface Flow {
  readonly direction: RuleDirection;
  readonly sourceAddress: string;
  readonly destinationAddress: string;
  readonly destinationPort: number;
  readonly protocol: Exclude<RuleProtocol, "*">;
}

export interface EvaluationContext {
  /**
   * What Azure's VirtualNetwork tag covers for this NSG: the VNet's own address space and the address spaces of the VNets
   * peered with it.
   */
  readonly virtualNetworkPrefixes: readonly string[];
}

export interface Verdict {
  readonly access: RuleAccess;
  /** The rule that decided (the first match in priority order). */
  readonly rule: string;
}

/** Azure's platform address behind the AzureLoadBalancer tag (health probes, DNS, DHCP). */
export const AZURE_PLATFORM_ADDRESS = "168.63.129.16";

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
/** Address space the Internet tag excludes even outside the VNet: private, shared and link-local ranges. */
const NON_INTERNET = [
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "100.64.0.0/10",
  "169.254.0.0/16",
  "127.0.0.0/8",
];

function prefixMatches(prefix: string, address: string, ctx: EvaluationContext): boolean {
  if (prefix === "*" || prefix === "Any" || prefix === "0.0.0.0/0") return true;
  const isIp = IPV4.test(address);
  switch (prefix) {
    case "VirtualNetwork":
      return isIp && ctx.virtualNetworkPrefixes.some((p) => addressInCidr(address, p));
    case "AzureLoadBalancer":
      return address === AZURE_PLATFORM_ADDRESS;
    case "Internet":
      return isIp
        ? !ctx.virtualNetworkPrefixes.some((p) => addressInCidr(address, p)) &&
            !NON_INTERNET.some((p) => addressInCidr(address, p)) &&
            address !== AZURE_PLATFORM_ADDRESS
        : true; // service endpoints of public Azure services lie in the Internet tag
  }
  if (/^\d/.test(prefix)) {
    if (!isIp) return false;
    return addressInCidr(address, prefix.includes("/") ? prefix : `${prefix}/32`);
  }
  // Another service tag (Storage, Storage.KoreaCentral, AzureActiveDirectory, …): the global tag covers its regional ones.
  return address === prefix || address.startsWith(`${prefix}.`);
}

function addressMatches(
  one: string | undefined,
  many: readonly string[] | undefined,
  address: string,
  ctx: EvaluationContext,
): boolean {
  const prefixes = one !== undefined ? [one] : (many ?? []);
  return prefixes.some((p) => prefixMatches(p, address, ctx));
}

function portMatches(range: string, port: number): boolean {
  if (range === "*") return true;
  const m = /^(\d+)(?:-(\d+))?$/.exec(range);
  if (!m) throw new Error(`unsupported port range ${range}`);
  const low = Number(m[1]);
  const high = m[2] === undefined ? low : Number(m[2]);
  return port >= low && port <= high;
}

/**
 * Decides a flow the way Azure does: the rules of the flow's direction, user rules and default rules together, in
 * ascending priority; the first rule whose protocol, addresses and destination port all match decides. Source ports are
 * always "*" in this platform's rules and are not modelled.
 */
export function evaluate(rules: readonly NsgRule[], flow: Flow, ctx: EvaluationContext): Verdict {
  const ordered = [...rules, ...AZURE_DEFAULT_RULES]
    .filter((r) => r.direction === flow.direction)
    .sort((a, b) => a.priority - b.priority);
  for (const r of ordered) {
    if (r.protocol !== "*" && r.protocol !== flow.protocol) continue;
    if (!portMatches(r.destinationPortRange, flow.destinationPort)) continue;
    if (!addressMatches(r.sourceAddressPrefix, r.sourceAddressPrefixes, flow.sourceAddress, ctx)) continue;
    if (!addressMatches(r.destinationAddressPrefix, r.destinationAddressPrefixes, flow.destinationAddress, ctx))
      continue;
    return { access: r.access, rule: r.name };
  }
  // Unreachable while DenyAllInBound/DenyAllOutBound are in the list; kept so a broken default list fails closed.
  return { access: "Deny", rule: "(none)" };
}

/** Inbound shorthand: may `sourceAddress` open `protocol`/`destinationPort` to `destinationAddress`? */
export function evaluateInbound(
  rules: readonly NsgRule[],
  flow: Omit<Flow, "direction">,
  ctx: EvaluationContext,
): RuleAccess {
  return evaluate(rules, { ...flow, direction: "Inbound" }, ctx).access;
}
