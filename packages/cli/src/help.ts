/**
 * The `--help` texts of `nlkit` and each subcommand.
 */
import { BATCH_COMMANDS, type BatchObject } from '@nlkit/batch';
import { DEFAULT_GROUPS, MONITOR_GROUPS } from './monitor.js';
import { SHOW_OBJECTS } from './show.js';

const GLOBAL = `Global options (every command):
  -n, --netns NAME   work in network namespace NAME (/run/netns/NAME, as 'ip -n'),
                     or a path to a namespace file
  -j, --json         print JSON instead of tables or text
  -h, --help         show help for the command`;

const EXIT_CODES = `Exit status:
  0    success
  1    the kernel refused a request (apply: at least one request failed)
  2    usage error: unknown command, option or keyword, bad value
  3    bad input file: unreadable, truncated or corrupt capture, hex dump,
       batch or spec file
  4    permission denied (needs root: CAP_NET_ADMIN, CAP_SYS_ADMIN for -n)
  5    system error: no such namespace, socket unavailable, timeout, I/O
  130  interrupted (Ctrl-C) before finishing`;

/** `nlkit --help`. */
export const MAIN_HELP = `nlkit - Linux netlink from the command line, like ip, bridge and tc

Usage: nlkit [-n NS] [-j] COMMAND [ARGS...]

Show the kernel's state (tables by default, --json for the decoded objects):
  link      network devices                  (ip link)
  addr      IP addresses                     (ip address)
  route     routes                           (ip route)
  rule      policy routing rules             (ip rule)
  neigh     ARP/NDP neighbours               (ip neigh)
  fdb       bridge forwarding entries        (bridge fdb)
  vlan      bridge port VLANs                (bridge vlan)
  qdisc     queueing disciplines             (tc qdisc)
  class     traffic classes                  (tc class)
  filter    traffic filters                  (tc filter)
  Each takes an optional 'show' and filters: nlkit route show table all dev eth0

Change it (one request, FIELD=VALUE with the fields of the nlkit specs):
  nlkit route add dst=10.0.0.0/24 gateway=10.0.0.1 oif=eth0
  nlkit link set index=eth0 state=up mtu=1400

Everything else:
  monitor   print the kernel's notifications as they happen
  decode    decode a pcap/pcapng capture or a hex dump of netlink messages
  record    record what another nlkit command exchanges with the kernel
  compile   compile a JSON/YAML list of requests into a batch file, offline
  apply     send a compiled batch, many requests per datagram, and report
  schema    list the message types and attributes nlkit knows

Run 'nlkit COMMAND --help' for a command's arguments.

${GLOBAL}

${EXIT_CODES}
`;

/** The batch object of each show object's changes. */
const CHANGE: Readonly<Record<string, BatchObject>> = {
  link: 'link', addr: 'addr', route: 'route', rule: 'rule', neigh: 'neigh', fdb: 'fdb', vlan: 'vlan', qdisc: 'qdisc', class: 'class', filter: 'filter',
};

function showHelp(name: string): string {
  const o = SHOW_OBJECTS.find((x) => x.name === name)!;
  const aliases = o.aliases.length ? `\nAliases: ${o.aliases.join(', ')}` : '';
  const changes: Record<string, string> = {
    link: `  nlkit link add ifname=veth0 kind=veth peer=veth1
  nlkit link set index=veth0 state=up mtu=1400 master=br0
  nlkit link del index=veth0`,
    addr: `  nlkit addr add index=eth0 address=10.0.0.1/24 broadcast=+
  nlkit addr del index=eth0 address=10.0.0.1/24`,
    route: `  nlkit route add dst=10.1.0.0/16 gateway=10.0.0.254 oif=eth0 table=100
  nlkit route replace dst=default gateway=10.0.0.1 metric=100
  nlkit route add dst=10.2.0.0/16 type=blackhole
  nlkit route del dst=10.1.0.0/16 table=100`,
    rule: `  nlkit rule add priority=100 src=10.0.0.0/8 table=100
  nlkit rule del priority=100`,
    neigh: `  nlkit neigh add dst=10.0.0.2 lladdr=02:00:00:00:00:02 index=eth0
  nlkit neigh del dst=10.0.0.2 index=eth0`,
    fdb: `  nlkit fdb add lladdr=02:00:00:00:00:0a index=veth1 flags=master state=static`,
    vlan: `  nlkit vlan add index=veth1 vid=10 pvid=true untagged=true`,
    qdisc: `  nlkit qdisc add kind=htb dev=eth0 handle=1: default=0x10
  nlkit qdisc del dev=eth0 parent=root`,
    class: `  nlkit class add kind=htb dev=eth0 parent=1: classid=1:10 rate=10mbit ceil=20mbit`,
    filter: `  nlkit filter add kind=u32 dev=eth0 parent=1: prio=1 protocol=ip match=\"ip dst 10.0.0.0/8\" classid=1:10`,
  };
  return `nlkit ${o.name} - ${o.about}

Usage:
  nlkit ${o.name} [show] [${o.synopsis}]
  nlkit ${o.name} ${BATCH_COMMANDS[CHANGE[o.name]!].join('|')} FIELD=VALUE...
${aliases}

Show prints a table; with -j the decoded messages (name, header, attrs with
nlkit's field names) as a JSON array.${o.families ? '\n  -4, -6             IPv4 or IPv6 only' : ''}

Change: one request built like the nlkit batch/client spec of the object.
FIELD=VALUE pairs set the spec's fields; numbers, true/false and JSON
([1,2], {"mtu":1400}) are read as such; dotted fields nest (metrics.mtu=1400);
a repeated field makes a list. Devices may be named (looked up in the
namespace). For example:
${changes[o.name] ?? ''}

${GLOBAL}

${EXIT_CODES}
`;
}

const HELP: Record<string, string> = {
  monitor: `nlkit monitor - print the kernel's notifications, one per line

Usage: nlkit monitor [GROUP...] [-j]

Joins the rtnetlink multicast groups and prints each event as it comes:
  link new index=3 name=veth0 state=DOWN mtu=1500 kind=veth ...
  route del dst=10.1.0.0/16 gateway=10.0.0.254 dev=veth0 table=main ...
With -j, one JSON object per line: {"event":"new","object":"link","group":1,
"message":{"name":"RTM_NEWLINK","header":{...},"attrs":{...}}}.

Groups: ${Object.keys(MONITOR_GROUPS).join(', ')}, all
Default (and 'all'): ${DEFAULT_GROUPS.join(', ')}

A line on stderr says when it is listening. Ctrl-C or SIGTERM stops it
cleanly (exit 0). If the kernel drops events (its buffer overflowed) an
"overrun" line says so.

${GLOBAL}
`,
  decode: `nlkit decode - decode netlink messages from a capture or a hex dump

Usage: nlkit decode FILE|- [--format text|raw] [--family route|rtnl|tc]

FILE is read whole ('-' reads standard input) and may be:
  - a pcap or pcapng capture: nlkit's (record, compile), or tcpdump's on an
    nlmon device (tcpdump -i nlmon0 -w FILE), whose packets carry no
    direction: it is then guessed from NLM_F_REQUEST and marked "(inferred)";
  - a hex dump: hex digits with any spacing; 0x, \\x and commas, an
    "OFFSET:" at the start of a line and # comments are ignored; a blank
    line starts a new datagram;
  - raw netlink bytes (e.g. a compiled batch).

Options:
  --format text   (default) each datagram with its direction, then each
                  message: type, flags, header fields and attributes by
                  kernel name, nests indented, errors with errno names
  --format raw    the canonical JSON: a list of frames, each
                  {"direction": ..., "messages": [...]} with every message in
                  the raw form (kernel names, [NAME, value] attribute pairs),
                  as nlkit's fixtures store it; "inferred": true marks a
                  guessed direction
  --family NAME   how to decode: route (rtnl and tc, the default), rtnl, tc

A truncated or corrupt file is reported with what is wrong and its byte
offset, and exits 3 (text output prints the frames before the problem).

${GLOBAL}

${EXIT_CODES}
`,
  record: `nlkit record - record what an nlkit command exchanges with the kernel

Usage: nlkit record -o FILE [--format pcap|pcapng] -- COMMAND [ARGS...]

Runs COMMAND (any nlkit command) and writes every datagram its sockets send
and receive to FILE, as tcpdump on an nlmon device would see them. The
format follows the extension (.pcapng, else pcap) unless --format says;
pcapng also marks multicast events with their group. Read it back with
'nlkit decode FILE', Wireshark, or nlkit's ReplayTransport.

  nlkit record -o links.pcapng -- link show
  nlkit -n lab record -o apply.pcap -- apply routes.pcap --force
  nlkit record -o events.pcapng -- monitor link     (Ctrl-C to stop)

-n given before 'record' applies to COMMAND too. The exit status is
COMMAND's.

${GLOBAL}
`,
  compile: `nlkit compile - compile requests into a batch file, offline

Usage: nlkit compile SPEC|- -o FILE [--format raw|pcap|pcapng] [--dev NAME=INDEX]... [--lookup]

SPEC is a JSON or YAML list of requests; each names its object with its
command, and the rest is the spec (the fields of IPRoute's methods):

  - link: add
    ifname: veth0
    kind: veth
    peer: veth1
  - addr: add
    index: 2
    address: 10.0.0.1/24
  - route: add
    dst: 10.0.0.0/24
    gateway: 10.0.0.1
    oif: eth0
  - qdisc: add              # also class, filter, chain, action
    kind: htb
    index: eth0
    handle: "1:"
    default: 0x10
  - tc: add-class           # or IPRoute.tc's own commands
    kind: htb
    index: eth0
    parent: "1:"
    classid: "1:10"
    rate: 10mbit

Objects: link, addr, route, rule, neigh, fdb, vlan, qdisc, class, filter,
chain, action, tc. The file may also be { names: { eth0: 2 }, requests: [...] }.

No kernel is asked anything: devices named in specs need their index, from
the file's "names", --dev NAME=INDEX (repeatable), or --lookup (read the
names of the namespace's devices now).

Options:
  -o, --output FILE    where to write ('-': standard output)
  --format FORMAT      raw (netlink messages back to back), pcap or pcapng;
                       default from the extension: .pcap, .pcapng, else raw
  --dev NAME=INDEX     a device index for names in the specs
  --lookup             look device names up in the namespace (-n)

Each request gets NLM_F_REQUEST|NLM_F_ACK and consecutive sequence numbers.
A bad spec names the request and the field, and exits 3.

${GLOBAL}

${EXIT_CODES}
`,
  apply: `nlkit apply - send a compiled batch and report each request's outcome

Usage: nlkit apply FILE|- [-f|--force] [-q] [-j] [--max-unacked N] [--max-datagram N]

FILE is a batch from 'nlkit compile' (raw or pcap/pcapng), or any capture
of requests (their to-kernel messages are sent; queries are refused).

By default, as 'ip -batch', it stops at the first error: requests go one at
a time and the ones after a refusal are not sent ("skipped"). With --force,
as 'ip -batch -force', everything is sent, many requests per datagram, and
every outcome reported. Either way one line per request:

  ok      #1  link add veth0
  failed  #2  route add 10.0.0.0/24: EEXIST (File exists)
  skipped #3  route add 10.0.1.0/24

then a summary on stderr. A progress bar shows on long batches when stderr
is a terminal.

Options:
  -f, --force           go on after errors (pipelined)
  -q, --quiet           print only the requests that did not succeed
  --max-unacked N       requests awaiting their ACK at most (default 256)
  --max-datagram N      requests per datagram at most (default 64)

Exits 0 when every request succeeded, 1 when the kernel refused one (4
when all refusals were EPERM/EACCES), 3 for an unreadable file, 5 when
answers went missing.

${GLOBAL}

${EXIT_CODES}
`,
  schema: `nlkit schema - the message types and attribute sets nlkit knows

Usage: nlkit schema [FAMILY [SET|MESSAGE]] [-j]

  nlkit schema                    the families
  nlkit schema rtnl               its messages (name, type number, header
                                  struct, attribute set) and every attribute
                                  set (kernel name, number, type, nlkit's
                                  field name, nested set)
  nlkit schema rtnl link-attrs    one attribute set
  nlkit schema tc RTM_NEWQDISC    a message's attributes

Families: rtnl, tc.

${GLOBAL}
`,
};

/** The help text of a command (or the main help). */
export function helpFor(command: string | undefined): string {
  if (command === undefined) return MAIN_HELP;
  if (SHOW_OBJECTS.some((o) => o.name === command)) return showHelp(command);
  return HELP[command] ?? MAIN_HELP;
}
