/**
 * Steward's own detection rules, as data: what counts as a secret, a private address or personal data
 * in text headed for a model. The engine that applies them is sensitive-data.ts; the corpora that
 * measure them are test/privacy/secret-corpus.ts and test/privacy/clean-corpus.ts, and
 * test/privacy/detection-recall.test.ts prints recall and false positives. A new shape is a new rule
 * here plus a corpus entry there.
 *
 * Each pattern is global and has the `d` flag; the sensitive part is the named group `value` (the
 * whole match without one). Rules marked `password` keep only values that look like a password
 * rather than an English word, because they read free text.
 */
export type SensitiveKind = 'secret' | 'address' | 'email' | 'phone' | 'name';

/** How a finding is shown to a cloud model: `<SECRET_1>`, `<IP_1>`, `<HOST_1>` … */
export type Label = 'SECRET' | 'IP' | 'HOST' | 'EMAIL' | 'PHONE' | 'NAME';

export interface PatternRule {
  id: string;
  kind: SensitiveKind;
  label: Label;
  pattern: RegExp;
  /** The value must look like a password (length, digits or symbols), not a word. */
  password?: boolean;
  /** Applied only to text decoded from base64 (a Kubernetes Secret's values, docker auth). */
  decodedOnly?: boolean;
}

/** Names of settings whose value is a secret; the name must end with one (`DB_PASSWORD`, `X-Plex-Token`). */
const KEYWORD = String.raw`(?:pass(?:word|wd|phrase|wort)?|pwd|secret|token|credentials?|cookie|sig|api[_-]?key|apikey|(?:access|private|preshared|secret|master|app|application|account|routing|integration|service|encryption|signing|admin|auth|client|license|webhook|storage|shared[_-]?access|session)[_-]?key|session[_-]?(?:id|token)|(?:client|app|webhook|rpc|jwt|oidc)[_-]?secret)(?:[_.-]?(?:base|b64|value))?`;
/** Between a name and its value: `=`, `:`, `=>`, quoted or URL-encoded (`%3D`, `%22%3A%22`). */
const SEPARATOR = String.raw`(?:["']|%22)?[ \t]*(?:=>|=|:|%3D|%3A)[ \t]*(?:["']|%22)?`;
/**
 * A value: up to a space, quote, bracket or list separator. `&` ends it only where a query string goes
 * on (`&user=`), so `Tr0ub4dor&3` stays whole; URL-encoded separators end it too.
 */
const VALUE = String.raw`(?:(?!&[\w.%-]+=|%26|%22|%2C|%7D|%20)[^\s"'\`,;<>{}()\[\]|])+`;
const NAME = String.raw`(?<name>[\w.-]*?${KEYWORD})`;

export const patternRules: readonly PatternRule[] = [
  // Key blocks and other secrets with a shape of their own.
  {
    id: 'private-key-block',
    kind: 'secret',
    label: 'SECRET',
    pattern:
      /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/dg,
  },
  {
    id: 'putty-private-key',
    kind: 'secret',
    label: 'SECRET',
    pattern: /PuTTY-User-Key-File-\d:[\s\S]*?(?:Private-MAC:[ \t]*[0-9a-f]+|$)/dg,
  },
  { id: 'age-secret-key', kind: 'secret', label: 'SECRET', pattern: /AGE-SECRET-KEY-1[0-9A-Z]{50,60}/dg },
  {
    id: 'jwt',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/dg,
  },
  { id: 'aws-access-key-id', kind: 'secret', label: 'SECRET', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/dg },
  {
    id: 'github-token',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/dg,
  },
  {
    id: 'gitlab-token',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\bgl(?:pat|dt|ptt|rt|cbt|ft|imt|agent|oas)-[A-Za-z0-9_-]{20,}/dg,
  },
  {
    id: 'slack-token',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,}|\bxapp-\d-[A-Z0-9]+-\d+-[a-f0-9]+/dg,
  },
  {
    id: 'slack-webhook',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\bhttps:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]+/dg,
  },
  {
    id: 'discord-webhook',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\bhttps:\/\/(?:(?:ptb|canary)\.)?discord(?:app)?\.com\/api\/webhooks\/[0-9]+\/[A-Za-z0-9_-]+/dg,
  },
  {
    id: 'discord-bot-token',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\b[MNO][A-Za-z\d_-]{23,27}\.[\w-]{6}\.[\w-]{27,40}\b/dg,
  },
  {
    id: 'telegram-bot-token',
    kind: 'secret',
    label: 'SECRET',
    pattern: /(?<!\d)[0-9]{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/dg,
  },
  {
    id: 'teams-webhook',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\bhttps:\/\/[\w.-]+\.webhook\.office\.com\/webhookb2\/[^\s"'<>]+/dg,
  },
  {
    id: 'mattermost-webhook',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\bhttps?:\/\/[^\s/"'<>]+(?:\/[^\s/"'<>]+)*?\/hooks\/(?<value>[a-z0-9]{26})(?![a-z0-9])/dg,
  },
  { id: 'home-assistant-webhook', kind: 'secret', label: 'SECRET', pattern: /\/api\/webhook\/(?<value>[\w-]{8,})/dg },
  {
    id: 'matrix-token',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\bsy[tr]_[A-Za-z0-9]+_[A-Za-z0-9]{10,}_[A-Za-z0-9]{6}\b/dg,
  },
  { id: 'ntfy-token', kind: 'secret', label: 'SECRET', pattern: /\btk_[a-z0-9]{29}\b/dg },
  {
    id: 'openai-anthropic-key',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\bsk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/dg,
  },
  { id: 'google-api-key', kind: 'secret', label: 'SECRET', pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/dg },
  {
    id: 'stripe-key',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\b(?:sk|rk|pk|whsec)_(?:live|test)_[0-9a-zA-Z]{16,}\b/dg,
  },
  { id: 'sendgrid-key', kind: 'secret', label: 'SECRET', pattern: /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/dg },
  { id: 'huggingface-token', kind: 'secret', label: 'SECRET', pattern: /\bhf_[A-Za-z0-9]{30,}\b/dg },
  { id: 'grafana-token', kind: 'secret', label: 'SECRET', pattern: /\bgl(?:sa|c)_[A-Za-z0-9_]{32,}/dg },
  { id: 'npm-token', kind: 'secret', label: 'SECRET', pattern: /\bnpm_[A-Za-z0-9]{36}\b/dg },
  { id: 'tailscale-key', kind: 'secret', label: 'SECRET', pattern: /\btskey-[A-Za-z0-9-]{20,}/dg },
  { id: 'digitalocean-token', kind: 'secret', label: 'SECRET', pattern: /\bdo[opr]_v1_[a-f0-9]{64}\b/dg },
  { id: 'vault-token', kind: 'secret', label: 'SECRET', pattern: /\bhv[sbr]\.[A-Za-z0-9_-]{24,}/dg },
  { id: 'onepassword-token', kind: 'secret', label: 'SECRET', pattern: /\bops_eyJ[A-Za-z0-9_-]{20,}/dg },
  {
    id: 'doppler-token',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\bdp\.(?:st|pt|sa|ct|scim|audit)\.[A-Za-z0-9_.-]{40,}/dg,
  },
  { id: 'pypi-token', kind: 'secret', label: 'SECRET', pattern: /\bpypi-AgE[A-Za-z0-9_-]{50,}/dg },
  {
    id: 'shopify-linear-token',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\b(?:shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}|lin_api_[A-Za-z0-9]{40})\b/dg,
  },
  {
    id: 'azure-account-key',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\b(?:AccountKey|SharedAccessKey|SharedAccessSignature)=(?<value>[^;\s"']{16,})/dg,
  },
  {
    id: 'docker-config',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\.docker(?:configjson|cfg)["']?[ \t]*:[ \t]*["']?(?<value>[A-Za-z0-9+/]{20,}={0,2})/dg,
  },
  {
    id: 'docker-auth',
    kind: 'secret',
    label: 'SECRET',
    pattern: /"auth"[ \t]*:[ \t]*"(?<value>[A-Za-z0-9+/]{8,}={0,2})"/dg,
  },
  {
    id: 'kubernetes-key-file',
    kind: 'secret',
    label: 'SECRET',
    pattern:
      /(?:^|[\s"'{,])(?:tls|ssh-privatekey|id_rsa|id_ed25519|id_ecdsa|private|server|client|ca)\.key["']?[ \t]*:[ \t]*["']?(?<value>[A-Za-z0-9+/]{20,}={0,2})/dg,
  },

  // Password hashes: crypt(3) in /etc/shadow and htpasswd (`$$` as docker-compose escapes it), LDAP-style.
  {
    id: 'crypt-hash',
    kind: 'secret',
    label: 'SECRET',
    pattern:
      /\${1,2}(?:1|2[abxy]?|5|6|apr1|y|gy|7|argon2(?:id|i|d)|scrypt|pbkdf2(?:-sha\d+)?|sha1|md5|[PH])\${1,2}[^\s:'"]{8,}/dg,
  },
  {
    id: 'ldap-hash',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\{(?:S?SHA(?:256|384|512)?|S?MD5|CRYPT|PBKDF2[\w-]*|ARGON2)\}[A-Za-z0-9+/=.$]{8,}/dg,
  },

  // Credentials inside URLs and DSNs: scheme://user:password@host keeps the host, hides user and password.
  {
    id: 'url-credentials',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\b[a-z][a-z0-9+.-]*:\/\/(?<value>[^\s:@/'"<>]*:[^\s@/'"<>]+)@/dgi,
  },
  {
    id: 'go-dsn-credentials',
    kind: 'secret',
    label: 'SECRET',
    pattern: /(?<value>\b[\w.-]+:[^\s@/'"<>]+)@(?:tcp|unix|udp)\(/dg,
  },
  {
    id: 'authorization-header',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\b(?:Bearer|Basic|Token|Digest)\s+(?<value>[A-Za-z0-9._~+/=-]{12,})/dg,
  },

  // name = value in env files, YAML, JSON, INI, query strings, docker inspect and kubectl describe.
  {
    id: 'keyword-quoted',
    kind: 'secret',
    label: 'SECRET',
    pattern: new RegExp(
      String.raw`(?<![\w.-])${NAME}["']?[ \t]*(?:=>|=|:)[ \t]*(?<q>["'])(?<value>[^"'\n]{4,200})\k<q>`,
      'dgi',
    ),
  },
  {
    id: 'keyword-value',
    kind: 'secret',
    label: 'SECRET',
    pattern: new RegExp(String.raw`(?<![\w.-])${NAME}${SEPARATOR}(?<value>${VALUE})`, 'dgi'),
  },
  // Kubernetes env lists: `- name: API_KEY` with its `value:` on the next line.
  {
    id: 'kubernetes-env',
    kind: 'secret',
    label: 'SECRET',
    pattern: new RegExp(
      String.raw`name:[ \t]*["']?[\w.-]*${KEYWORD}["']?[ \t]*\n[ \t]*value:[ \t]*["']?(?<value>[^\s"']{4,})`,
      'dgi',
    ),
  },

  // Command lines. Each tool that takes a password positionally or in a short flag has its rule.
  {
    id: 'flag-value',
    kind: 'secret',
    label: 'SECRET',
    pattern: new RegExp(
      String.raw`(?<![\w-])--?(?<name>[\w-]*${KEYWORD})(?:=|[ \t]+)["']?(?!-)(?<value>${VALUE})`,
      'dgi',
    ),
  },
  {
    id: 'cli-user-password',
    kind: 'secret',
    label: 'SECRET',
    pattern: /(?<![\w-])(?:-u|--user|--proxy-user|--http-user)[ \t=]+["']?[^\s:"'$]+:(?<value>[^\s"']+)/dg,
  },
  {
    id: 'cli-mysql',
    kind: 'secret',
    label: 'SECRET',
    pattern:
      /\b(?:mysql|mysqldump|mysqladmin|mysqlcheck|mysqlimport|mysqlshow|mariadb(?:-dump|-admin)?)\b[^\n|;&]*?\s-p["']?(?<value>[^\s"']+)/dg,
  },
  {
    id: 'cli-password-command',
    kind: 'secret',
    label: 'SECRET',
    pattern: /--(?:password|pass)-?(?:command|cmd)[ \t=]+["']?(?:echo|printf)[ \t]+["']?(?<value>[^\s"']+)/dg,
  },
  { id: 'cli-sshpass', kind: 'secret', label: 'SECRET', pattern: /\bsshpass\s+-p\s*["']?(?<value>[^\s"']+)/dg },
  {
    id: 'cli-redis',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\bredis-cli\b[^\n|;&]*?\s(?:-a|--pass)[ \t]+["']?(?<value>[^\s"']+)/dg,
  },
  {
    id: 'cli-login-p',
    kind: 'secret',
    label: 'SECRET',
    pattern:
      /\b(?:docker|podman|nerdctl|buildah|skopeo|helm(?:\s+registry)?)\s+login\b[^\n|;&]*?\s-p[ \t]+["']?(?<value>[^\s"']+)/dg,
  },
  {
    id: 'cli-smb',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\b(?:smbclient|smbmap|rpcclient|smbcacls|net)\b[^\n|;&]*?\s-U[ \t]+["']?[^\s%"']+%(?<value>[^\s"']+)/dg,
  },
  {
    id: 'cli-ldap',
    kind: 'secret',
    label: 'SECRET',
    pattern:
      /\bldap(?:search|add|modify|delete|passwd|whoami|compare|modrdn)\b[^\n|;&]*?\s-w[ \t]+["']?(?<value>[^\s"']+)/dg,
  },
  {
    id: 'cli-capital-p',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\b(?:ipmitool|sqlcmd|bcp|isql)\b[^\n|;&]*?\s-P[ \t]+["']?(?<value>[^\s"']+)/dg,
  },
  { id: 'cli-pihole', kind: 'secret', label: 'SECRET', pattern: /\bpihole\s+-a\s+-p\s+["']?(?<value>[^\s"']+)/dg },
  {
    id: 'cli-htpasswd',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\bhtpasswd\s+(?:-[a-zA-Z]*b[a-zA-Z]*\s+)(?:-[a-zA-Z]+\s+)*\S+\s+\S+\s+["']?(?<value>[^\s"']+)/dg,
  },
  {
    id: 'cli-minio-alias',
    kind: 'secret',
    label: 'SECRET',
    pattern: /\bmc\s+alias\s+set\s+\S+\s+\S+\s+\S+\s+["']?(?<value>[^\s"']+)/dg,
  },

  // Plain sentences: "the password is X", "use X as the passphrase", "login admin / X".
  {
    id: 'sentence-is',
    kind: 'secret',
    label: 'SECRET',
    password: true,
    pattern:
      /\b(?:password|passwort|passwd|passphrase|kennwort|pw|pwd|pin|mot de passe|contraseña|api[ _-]?key|token)\b[^.\n"]{0,40}?\s(?:(?:(?:was|is|has been|got)\s+)?(?:changed|set|reset|updated)\s+to|is|ist|est|es|to|=)[ \t]+["'“«]?(?<value>[^\s"'”»]+?)["'”»]?(?=[,.;:)]*(?:\s|$))/dgiu,
  },
  {
    id: 'sentence-use-as',
    kind: 'secret',
    label: 'SECRET',
    password: true,
    pattern:
      /\buse\s+["'“]?(?<value>\S+?)["'”]?\s+as\s+(?:the\s+|a\s+|your\s+)?(?:new\s+)?(?:password|passphrase|passwort|pw|pin|token|key)\b/dgiu,
  },
  {
    id: 'sentence-user-slash',
    kind: 'secret',
    label: 'SECRET',
    password: true,
    pattern:
      /\b(?:log ?in|logon|sign in|creds?|credentials?)\b[^\n]{0,30}?(?<![\w/])[\w.@+-]{2,}[ \t]*[/:][ \t]*(?<value>[^\s/:,;]+)(?![^\s,;])/dgiu,
  },
  {
    id: 'sentence-quoted',
    kind: 'secret',
    label: 'SECRET',
    pattern:
      /\b(?:password|passphrase|passwort|kennwort|token|pw)\b(?:[^.\n"]{0,40}?\s(?:is|ist|est|was|to))?\s+["'“](?<value>[^"'”\n]{4,})["'”]/dgiu,
  },
  // "using token 3f9c…": a keyword followed by a long token-like word, without a separator.
  {
    id: 'keyword-then-token',
    kind: 'secret',
    label: 'SECRET',
    pattern:
      /\b(?:token|password|passwd|api[ _-]?key|apikey|secret)\s+(?<value>(?=[A-Za-z_-]*\d)[A-Za-z0-9_-]{16,})(?![\w-])/dgi,
  },

  // Inside base64 (a Kubernetes Secret's value, docker `auth`): a user:password pair.
  {
    id: 'decoded-basic-auth',
    kind: 'secret',
    label: 'SECRET',
    decodedOnly: true,
    pattern: /^[\w.@+-]{1,64}:(?<value>[^\s:]{4,})\s*$/dg,
  },

  // Private addresses and internal host names.
  {
    id: 'private-ipv4',
    kind: 'address',
    label: 'IP',
    pattern:
      /\b(?:10(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}|192\.168(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){2}|172\.(?:1[6-9]|2\d|3[01])(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){2}|100\.(?:6[4-9]|[7-9]\d|1[01]\d|12[0-7])(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){2}|169\.254(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){2})\b/dg,
  },
  {
    id: 'private-ipv6',
    kind: 'address',
    label: 'IP',
    pattern: /(?<![\w:])(?:f[cd][0-9a-f]{2}|fe80):[0-9a-f:]{2,}(?:%\w+)?/dgi,
  },
  {
    id: 'internal-host',
    kind: 'address',
    label: 'HOST',
    pattern:
      /\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.(?:home\.arpa|lan|local|internal|intranet|localdomain|home|corp)\b/dgi,
  },
  { id: 'fritz-box', kind: 'address', label: 'HOST', pattern: /\b(?:[a-z0-9-]+\.)*fritz\.box\b/dgi },

  // Personal data. An address at an internal host is masked as the host, not treated as personal.
  {
    id: 'email',
    kind: 'email',
    label: 'EMAIL',
    pattern:
      /(?<![\w.%+:/-])[A-Za-z0-9._%+-]+@(?![A-Za-z0-9.-]*\.(?:home\.arpa|lan|local|internal|localdomain)\b)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/dg,
  },
  {
    id: 'phone-international',
    kind: 'phone',
    label: 'PHONE',
    pattern: /(?<![\w+])\+[1-9]\d{0,3}(?:[ .-]?\(?\d{1,5}\)?){2,5}(?!\w)/dg,
  },
  { id: 'phone-north-american', kind: 'phone', label: 'PHONE', pattern: /(?<!\w)\(\d{3}\)\s?\d{3}[-.\s]\d{4}(?!\w)/dg },
];

/** Values that name no secret: placeholders, template variables, words, paths. */
export const notASecret =
  /^(?:<[A-Z]+_\d+>|\*+|x{3,}|\.{3}|…|null|nil|none|undefined|true|false|yes|no|on|off|redacted|\[redacted\]|hidden|\(hidden\)|masked|changeme|example|required|optional|missing|invalid|expired|empty|set|unset|enabled|disabled|\$\{[^}]*\}?|\{\{[^}]*(?:\}\})?|\$\([^)]*\)?|\$[A-Za-z_]\w*|%[A-Za-z_]\w*%|(?:~|\.{1,2})?\/[\w./-]*|\d{1,6}|prompt|stdin|env:\w+|file:\S+|secrets?|tokens?|passwords?|passwd|keys?|api-?key|signature|credentials?)$/i;

/** Setting names that hold a reference to a secret rather than the secret (Helm's `existingSecret`, `passwordKey`). */
export const referenceName =
  /(?:^|[._-])existing[\w.-]*$|existingsecret[\w.-]*$|(?:password|passwd|token|credentials?)[_-]?key$/i;

/** The entropy check for long random tokens that no rule names. */
export const entropyRule = {
  /** Candidates: runs of base64/base64url characters. */
  token: /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{20,}={0,2}(?![A-Za-z0-9+/=_-])/dg,
  maxLength: 1024,
  /** Shannon entropy in bits per character, absolute and as a share of the most a token of its length can have. */
  minBits: 3.9,
  minShare: 0.8,
  /** Known non-secret encodings at the start of the token. */
  exemptPrefix:
    /^(?:(?:ata|nvme|scsi|wwn|usb|virtio|dm-uuid|lvm-pv-uuid)-|sha(?:1|224|256|384|512)-|AAAAB3NzaC1yc2E|AAAAC3NzaC1lZDI1NTE5|AAAAE2VjZHNhLXNoYTIt|AAAAB3NzaC1kc3M)/,
  /** What the text says just before a token that is public: checksums, public keys, fingerprints, challenge tokens. */
  exemptAfter:
    /(?:sha(?:1|224|256|384|512)[:-]|h1:|md5:|ssh-(?:rsa|ed25519|dss)[ \t]+|ecdsa-sha2-nistp\d+[ \t]+|sk-ssh-\S+[ \t]+|public[ _-]?key["']?[ \t]*[:=]?[ \t]*["']?|publickey["']?[ \t]*[:=][ \t]*["']?|peer:[ \t]*|pubkey\S*[ \t]*[:=]?[ \t]*|fingerprint\S*[ \t]*[:=]?[ \t]*|thumbhash[ \t]*[:=]?[ \t]*|acme-challenge\/|integrity[ \t]+|checksum\S*[ \t]*[:=]?[ \t]*|digest\S*[ \t]*[:=]?[ \t]*|etag\S*[ \t]*[:=]?[ \t]*W?\/?["']?|[?&]c=)$/i,
  /** Parts of a token that are words, as in paths and product names, rather than random characters. */
  word: /^(?:[A-Z]?[a-z]{2,}|[A-Z]{2,}|\d+)$/,
  maxWordShare: 0.5,
  /** Random base64 mixes cases; serial numbers and part numbers are mostly capitals. */
  minCaseShare: 0.15,
};

/** Blocks whose base64 is public (certificates, public keys): the entropy check skips them. */
export const publicBlock =
  /-----BEGIN (?:CERTIFICATE|TRUSTED CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|X509 CRL|CERTIFICATE REQUEST|NEW CERTIFICATE REQUEST|PGP PUBLIC KEY BLOCK|PGP SIGNATURE|PGP MESSAGE|SSH2 PUBLIC KEY)-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g;

/** Base64 long enough to hold a secret; decoded and searched again (a Kubernetes Secret's values). */
export const base64Candidate = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/=_-])/g;
