import { inBlock, parseIpBlock, type IpBlock, type IpBytes } from './ip-address.js';

/**
 * What the caller knows about its own infrastructure. Everything else that looks like an
 * identifier is replaced; these only ever *keep* more, they never widen what is scrubbed.
 */
export interface ScrubOptions {
  /**
   * Addresses or CIDR blocks that are infrastructure, not clients (the appliance, the site's
   * servers, e.g. `['10.0.5.2', '10.0.5.0/28']`). Loopback, `0.0.0.0`, `::`, `::1`, broadcast,
   * multicast and netmasks are always kept; every other IPv4/IPv6 address is replaced.
   */
  keepAddresses?: readonly string[];
  /** Host names (and their subdomains) whose URLs are kept, added to the built-in vendor list. */
  keepUrlHosts?: readonly string[];
  /** Account names that are not people (the site's service accounts), added to the built-ins. */
  keepAccounts?: readonly string[];
}

/** Options turned into matchers once; passed to every detector. */
export interface ScrubContext {
  keepIp(bytes: IpBytes): boolean;
  keepUrlHost(host: string): boolean;
  keepAccount(name: string): boolean;
}

/**
 * Vendor and operating-system infrastructure whose URLs are machine data (update, certificate
 * revocation, package and source hosts). Paths and queries of kept URLs are still scrubbed by the
 * other detectors.
 */
const INFRA_URL_HOSTS = [
  'microsoft.com', 'windowsupdate.com', 'windows.com', 'windows.net', 'msftconnecttest.com', 'msftncsi.com',
  'office.com', 'office365.com', 'azure.com', 'digicert.com', 'letsencrypt.org', 'lencr.org', 'sectigo.com',
  'globalsign.com', 'godaddy.com', 'entrust.net', 'verisign.com', 'github.com', 'githubusercontent.com',
  'ubuntu.com', 'canonical.com', 'debian.org', 'redhat.com', 'fedoraproject.org', 'centos.org', 'rockylinux.org',
  'almalinux.org', 'nixos.org', 'npmjs.org', 'npmjs.com', 'nodejs.org', 'python.org', 'pypi.org',
  'powershellgallery.com', 'openssh.com', 'openssl.org', 'kernel.org', 'schema.org', 'w3.org', 'ietf.org',
  'localhost',
];

/**
 * Account names that are never a person: OS built-ins, service identities and placeholders.
 * Names matching svc/sa/service prefixes and machine accounts (ending in `$`) are kept too.
 */
const BUILTIN_ACCOUNTS = new Set([
  'root', 'admin', 'administrator', 'administrators', 'guest', 'guests', 'nobody', 'daemon', 'bin', 'sys', 'sync',
  'games', 'man', 'lp', 'mail', 'news', 'uucp', 'proxy', 'www-data', 'backup', 'list', 'irc', 'gnats', 'messagebus',
  'syslog', '_apt', 'sshd', 'ntp', 'chrony', '_chrony', 'polkitd', 'postgres', 'mysql', 'git', 'ubuntu', 'ec2-user',
  'centos', 'debian', 'pi', 'writ', 'system', 'local service', 'network service', 'anonymous logon', 'anonymous',
  'local', 'network', 'defaultaccount', 'wdagutilityaccount', 'defaultuser0', 'defaultuser100000', 'public',
  'default', 'default user', 'all users', 'defaultapppool', 'localsystem', 'localservice', 'networkservice',
  'trustedinstaller', 'users', 'sudo', 'adm', 'wheel', 'staff', 'docker', 'plugdev', 'cdrom', 'dip', 'lpadmin',
  'sambashare', 'audio', 'video', 'input', 'render', 'netdev', 'dialout', 'floppy', 'tape', 'operator', 'domain admins',
  'domain users', 'enterprise admins', 'schema admins', 'domain controllers', 'domain computers', 'authenticated users',
  'everyone', 'interactive', 'service', 'batch', 'creator owner', 'krbtgt', 'noreply', 'no-reply', 'donotreply',
  'postmaster', 'mailer-daemon', 'hostmaster', 'webmaster', 'abuse', 'security', 'support', 'helpdesk', 'it',
  'invalid', 'unknown', 'none', 'null', 'n/a', 'na', '-', 'user', 'username', 'test', 'demo', 'localhost',
  'systemd-network', 'systemd-resolve', 'systemd-timesync', 'systemd-journal', 'systemd-coredump', 'tss', 'uuidd',
  'tcpdump', 'landscape', 'fwupd-refresh', 'usbmux', 'avahi', 'colord', 'geoclue', 'gdm', 'lightdm', 'rtkit',
  'pulse', 'saned', 'whoopsie', 'kernoops', 'dnsmasq', 'nm-openvpn', 'cups-pk-helper', 'speech-dispatcher', 'hplip',
]);

const SERVICE_PREFIX = /^(?:svc|sa|srv|service|app|sys|nt service|iis apppool|dwm|umfd|font driver host|window manager)(?:[._\-\\ ]|\d|$)/i;

function hostMatches(host: string, base: string): boolean {
  return host === base || host.endsWith('.' + base);
}

const cache = new WeakMap<ScrubOptions, ScrubContext>();
let defaultContext: ScrubContext | undefined;

/**
 * Builds (once per options object) the matchers the detectors use.
 *
 * @example
 * const ctx = scrubContext({ keepAddresses: ['10.0.5.2'] });
 * ctx.keepAccount('svc.backup'); // true
 */
export function scrubContext(options: ScrubOptions = {}): ScrubContext {
  const isDefault = !options.keepAddresses?.length && !options.keepUrlHosts?.length && !options.keepAccounts?.length;
  if (isDefault && defaultContext) return defaultContext;
  const cached = cache.get(options);
  if (cached) return cached;
  const blocks: IpBlock[] = [];
  for (const a of options.keepAddresses ?? []) {
    const b = parseIpBlock(a);
    if (b) blocks.push(b);
  }
  const hosts = [...INFRA_URL_HOSTS, ...(options.keepUrlHosts ?? []).map((h) => h.toLowerCase().replace(/\.$/, ''))];
  const extraAccounts = new Set((options.keepAccounts ?? []).map((a) => a.toLowerCase()));
  const ctx: ScrubContext = {
    keepIp: (bytes) => blocks.some((b) => inBlock(bytes, b)),
    keepUrlHost: (host) => {
      const h = host.toLowerCase().replace(/\.$/, '');
      return hosts.some((base) => hostMatches(h, base));
    },
    keepAccount: (name) => {
      const n = name.toLowerCase();
      return BUILTIN_ACCOUNTS.has(n) || extraAccounts.has(n) || SERVICE_PREFIX.test(n) || n.endsWith('$') || !/\p{L}/u.test(n);
    },
  };
  if (isDefault) defaultContext = ctx;
  else cache.set(options, ctx);
  return ctx;
}
