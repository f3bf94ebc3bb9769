import type { PolicyResource } from "@pulumi/policy";
import { PGBOUNCER_PORT } from "../../../infra/config/azure-facts.js";
import { cidrContains, cidrProblem } from "../../../infra/config/cidr.js";
import { POSTGRES_PORT } from "../../../infra/types.js";
import { EVERYWHERE, T, arr, armIdNames, dependsOn, obj, sameName, stackRule, str, type Props } from "../../rule.js";

const POSTGRES_DELEGATION = "Microsoft.DBforPostgreSQL/flexibleServers";
/** The database subnet's own ports: PostgreSQL and the built-in PgBouncer. */
const DATABASE_PORTS = [String(POSTGRES_PORT), String(PGBOUNCER_PORT)];

interface SubnetView {
  readonly name: string;
  readonly cidrs: string[];
  readonly delegatedToPostgres: boolean;
  readonly nsgId?: string;
  readonly owner: PolicyResource;
}

interface RuleView {
  readonly name: string;
  readonly access: string;
  readonly direction: string;
  readonly priority: number;
  readonly sources: string[];
  readonly ports: string[];
}

function subnetView(props: Props, owner: PolicyResource, fallbackName: string): SubnetView {
  const p = { ...props, ...obj(props.properties) };
  const cidrs = [str(p.addressPrefix), ...arr(p.addressPrefixes).map(str)].filter((c): c is string => c !== undefined);
  return {
    name: str(p.subnetName) ?? str(p.name) ?? fallbackName,
    cidrs,
    delegatedToPostgres: arr(p.delegations).some((d) =>
      sameName(obj(d).serviceName ?? obj(obj(d).properties).serviceName, POSTGRES_DELEGATION),
    ),
    ...(str(obj(p.networkSecurityGroup).id) ? { nsgId: str(obj(p.networkSecurityGroup).id) } : {}),
    owner,
  };
}

/** Subnets declared as Subnet resources or inline in a VirtualNetwork. */
function subnetsOf(resources: readonly PolicyResource[]): SubnetView[] {
  const out: SubnetView[] = [];
  for (const r of resources) {
    if (r.type === T.subnet) out.push(subnetView(r.props, r, r.name));
    if (r.type === "azure-native:network:VirtualNetwork")
      arr(r.props.subnets).forEach((s, i) => out.push(subnetView(obj(s), r, `${r.name}[${i}]`)));
  }
  return out;
}

function ruleView(p: Props, fallbackName: string): RuleView {
  const q = { ...p, ...obj(p.properties) };
  const list = (one: unknown, many: unknown) =>
    [str(one), ...arr(many).map(str)].filter((v): v is string => v !== undefined);
  return {
    name: str(q.securityRuleName) ?? str(q.name) ?? fallbackName,
    access: str(q.access) ?? "",
    direction: str(q.direction) ?? "",
    priority: typeof q.priority === "number" ? q.priority : Number.NaN,
    sources: list(q.sourceAddressPrefix, q.sourceAddressPrefixes),
    ports: list(q.destinationPortRange, q.destinationPortRanges),
  };
}

/** Inbound rules of the NSG: inline `securityRules` plus separate SecurityRule resources naming or depending on it. */
function inboundRules(nsg: PolicyResource, resources: readonly PolicyResource[]): RuleView[] {
  const nsgName = str(nsg.props.networkSecurityGroupName) ?? nsg.name;
  const inline = arr(nsg.props.securityRules).map((r, i) => ruleView(obj(r), `${nsg.name}[${i}]`));
  const separate = resources
    .filter((r) => r.type === T.securityRule)
    .filter((r) =>
      typeof r.props.networkSecurityGroupName === "string"
        ? sameName(r.props.networkSecurityGroupName, nsgName)
        : dependsOn(r, nsg),
    )
    .map((r) => ruleView(r.props, r.name));
  return [...inline, ...separate].filter((r) => sameName(r.direction, "Inbound"));
}

const ANY = new Set(["*", "0.0.0.0/0", "any"]);

/**
 * Azure's platform address (168.63.129.16: health probes, DNS). It carries no client traffic, and an explicit deny-all
 * would otherwise block the probes, so an allow from it is accepted on any port.
 */
const PLATFORM_PROBE_TAG = "azureloadbalancer";

/** N5: the delegated database subnets accept 5432 from the platform's own subnets only, and deny everything else explicitly. */
export const restrictDatabaseSubnetIngress = stackRule({
  name: "network-restrict-database-subnet-ingress",
  description:
    "Every subnet delegated to PostgreSQL has an NSG that allows 5432 only from the stack's own subnets and denies all other inbound traffic.",
  severity: "high",
  meta: {
    catalogueId: "N5",
    sources: ["R-2.2.2"],
    enforcement: EVERYWHERE,
    why: "Azure's default AllowVnetInBound admits every peered network; the plan allows only the application subnet (and replication between database subnets).",
  },
  check: (resources, _args, report) => {
    const subnets = subnetsOf(resources);
    const ownCidrs = subnets.flatMap((s) => s.cidrs).filter((c) => cidrProblem(c) === undefined);
    const nsgs = resources.filter((r) => r.type === T.nsg);
    for (const subnet of subnets.filter((s) => s.delegatedToPostgres)) {
      const nsg =
        nsgs.find((n) =>
          armIdNames(subnet.nsgId, "networkSecurityGroups", str(n.props.networkSecurityGroupName) ?? n.name),
        ) ?? (subnet.nsgId === undefined ? undefined : nsgs.find((n) => dependsOn(subnet.owner, n)));
      if (!nsg) {
        report(
          `database subnet ${subnet.name} has no network security group: attach one that allows ${POSTGRES_PORT} from the app subnet only`,
          subnet.owner.urn,
        );
        continue;
      }
      const rules = inboundRules(nsg, resources);
      const allows = rules.filter((r) => sameName(r.access, "Allow"));
      for (const rule of allows.filter(
        (r) => !(r.sources.length > 0 && r.sources.every((s) => s.toLowerCase() === PLATFORM_PROBE_TAG)),
      )) {
        const foreign = rule.sources.filter(
          (s) =>
            ANY.has(s.toLowerCase()) || cidrProblem(s) !== undefined || !ownCidrs.some((own) => cidrContains(own, s)),
        );
        if (foreign.length > 0) {
          report(
            `NSG ${nsg.name} rule ${rule.name} allows inbound from ${foreign.join(", ")}, which is not one of the stack's subnets (${ownCidrs.join(", ")})`,
            nsg.urn,
          );
        }
        const otherPorts = rule.ports.filter((p) => !DATABASE_PORTS.includes(p));
        if (otherPorts.length > 0) {
          report(
            `NSG ${nsg.name} rule ${rule.name} allows inbound port ${otherPorts.join(", ")}: the database subnet needs ${DATABASE_PORTS.join(" and ")} only`,
            nsg.urn,
          );
        }
      }
      const lastAllow = Math.max(0, ...allows.map((r) => r.priority));
      const denyAll = rules.some(
        (r) =>
          sameName(r.access, "Deny") &&
          r.sources.some((s) => ANY.has(s.toLowerCase())) &&
          r.ports.includes("*") &&
          r.priority > lastAllow,
      );
      if (!denyAll) {
        report(
          `NSG ${nsg.name} has no inbound deny-all rule after its allow rules: Azure's default AllowVnetInBound would admit every peered network`,
          nsg.urn,
        );
      }
    }
  },
});
