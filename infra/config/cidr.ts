/** IPv4 CIDR arithmetic on top of ipaddr.js, for config validation and NSG evaluation. */
import ipaddr from "ipaddr.js";

/** Why a string is not an IPv4 network in CIDR form, or undefined when it is one. */
export function cidrProblem(cidr: string): string | undefined {
  if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(cidr)) return "is not an IPv4 CIDR block like 10.0.0.0/16";
  const [address, bits] = ipaddr.IPv4.parseCIDR(cidr);
  const network = ipaddr.IPv4.networkAddressFromCIDR(cidr);
  if (address.toString() !== network.toString()) {
    return `has host bits set (the network address of /${bits} is ${network.toString()})`;
  }
  return undefined;
}

function parse(cidr: string): [ipaddr.IPv4, number] {
  return ipaddr.IPv4.parseCIDR(cidr);
}

/** True when every address of `inner` lies inside `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const [outerAddr, outerBits] = parse(outer);
  const [innerAddr, innerBits] = parse(inner);
  return innerBits >= outerBits && innerAddr.match(outerAddr, outerBits);
}

/** True when two blocks share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** True when a single address (or a CIDR's network address) lies in the block. */
export function addressInCidr(address: string, cidr: string): boolean {
  const [net, bits] = parse(cidr);
  return ipaddr.IPv4.parse(address).match(net, bits);
}
