import { isIP } from "node:net";

/**
 * Whether a host (as in a URL: an IP literal, `[::1]`, or a name) is this machine: 127.0.0.0/8, ::1,
 * an IPv4-mapped 127.x (`::ffff:127.0.0.1`, which URLs write `::ffff:7f00:1`), or the literal
 * `localhost`. Any other name is not, however it starts: `127.evil.com` resolves wherever its owner says.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (bare === "localhost") return true;
  const family = isIP(bare);
  if (family === 4) return bare.split(".")[0] === "127";
  if (family === 6) {
    const groups = ipv6Groups(bare);
    if (!groups) return false;
    const zeroUpTo = (n: number) => groups.slice(0, n).every((g) => g === 0);
    if (zeroUpTo(7) && groups[7] === 1) return true;
    return zeroUpTo(5) && groups[5] === 0xffff && groups[6]! >> 8 === 127;
  }
  return false;
}

/** The eight 16-bit groups of a valid IPv6 literal (net.isIP has checked it), a dotted IPv4 tail included. */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.replace(/%.*$/, "");
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = text.slice(0, dotted.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(":").map((g) => parseInt(g, 16)) : []);
  const front = parse(head);
  const back = parse(tail);
  const groups = tail === undefined ? front : [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  return groups.length === 8 ? groups : undefined;
}

/** `scheme://host:port` of an address: what a secret is bound to. */
export function originOf(url: string): string {
  return new URL(url).origin;
}
