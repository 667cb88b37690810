/**
 * Where the gateway may connect on a target's behalf. A target URL is typed by an admin, and the verdicts and
 * response excerpts it produces are shown to admins: without a policy, a target at a cloud metadata address or on
 * the internal network would let an admin read services the gateway can reach. So:
 * - link-local (cloud metadata services live there), unspecified, multicast and broadcast addresses: never;
 * - private, shared (CGNAT), unique-local and loopback addresses: only inside TARGET_ALLOWED_NETWORKS;
 * - everything else (public addresses): allowed.
 * Checked on every resolved address at connect time (a name that resolves elsewhere later is refused then) and on
 * IP literals before connecting. Node's `net.BlockList` does the address arithmetic.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const NEVER: [string, number, 'ipv4' | 'ipv6', string][] = [
  ['169.254.0.0', 16, 'ipv4', 'link-local (cloud metadata services)'],
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved or broadcast'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['ff00::', 8, 'ipv6', 'multicast'],
  ['fd00:ec2::', 32, 'ipv6', 'cloud metadata'],
];

const INTERNAL: [string, number, 'ipv4' | 'ipv6', string][] = [
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'shared (CGNAT)'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['fc00::', 7, 'ipv6', 'unique-local'],
  ['::1', 128, 'ipv6', 'loopback'],
];

export class NetworkPolicyError extends Error {
  readonly code = 'ETARGETPOLICY';
}

interface Range {
  list: BlockList;
  family: 'ipv4' | 'ipv6';
  what: string;
}

const ranges = (entries: typeof NEVER): Range[] =>
  entries.map(([net, prefix, family, what]) => {
    const list = new BlockList();
    list.addSubnet(net, prefix, family);
    return { list, family, what };
  });
const NEVER_RANGES = ranges(NEVER);
const INTERNAL_RANGES = ranges(INTERNAL);

/** Verdicts remembered per address: the policy never changes in a process, and BlockList.check is not cheap. */
const VERDICTS_KEPT = 1024;

export class NetworkPolicy {
  private readonly allowed = new BlockList();
  private readonly verdicts = new Map<string, string | null>();
  /** For http(s).request: every resolved address is checked, and a name that resolves to a refused one fails. */
  readonly lookup: LookupFunction;

  /** `allowedNetworks`: CIDR blocks (IPv4 or IPv6) where private and loopback addresses may be reached. */
  constructor(allowedNetworks: readonly string[]) {
    for (const cidr of allowedNetworks) {
      const parsed = parseCidr(cidr);
      if (!parsed) throw new Error(`not a CIDR block: ${cidr}`);
      this.allowed.addSubnet(parsed.address, parsed.prefix, parsed.family);
    }
    this.lookup = this.checkedLookup();
  }

  /** Why the gateway may not connect to `address` (an IP literal), or null when it may. */
  refusal(address: string): string | null {
    const known = this.verdicts.get(address);
    if (known !== undefined) return known;
    const verdict = this.judge(address);
    if (this.verdicts.size >= VERDICTS_KEPT) this.verdicts.clear();
    this.verdicts.set(address, verdict);
    return verdict;
  }

  private judge(address: string): string | null {
    const ip = unmapped(address);
    const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    for (const r of NEVER_RANGES)
      if (r.family === family && r.list.check(ip, family))
        return `${address} is a ${r.what} address: targets may never be there`;
    for (const r of INTERNAL_RANGES)
      if (r.family === family && r.list.check(ip, family) && !this.allowed.check(ip, family))
        return `${address} is a ${r.what} address outside TARGET_ALLOWED_NETWORKS`;
    return null;
  }

  private checkedLookup(): LookupFunction {
    return (hostname, options, callback) => {
      dnsLookup(hostname, { ...options, all: true } as LookupAllOptions, (err, list) => {
        if (err) return callback(err, '', 0);
        for (const a of list) {
          const why = this.refusal(a.address);
          if (why) return callback(new NetworkPolicyError(`${hostname} resolves to ${why}`), '', 0);
        }
        if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, list);
        return callback(null, list[0].address, list[0].family);
      });
    };
  }
}

/** `::ffff:169.254.169.254` is the IPv4 address it maps. */
function unmapped(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1] : address;
}

function parseCidr(cidr: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address, bits] = cidr.split('/');
  const version = isIP(address ?? '');
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}
