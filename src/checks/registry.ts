import type { CheckKind } from './kind.js';
import { dns } from './kinds/dns.js';
import { http } from './kinds/http.js';
import { metrics } from './kinds/metrics.js';
import { models } from './kinds/models.js';
import { tcp } from './kinds/tcp.js';
import { ssh } from './kinds/ssh.js';
import { tls } from './kinds/tls.js';

/** Every check kind by name: a new kind is its file and one entry here. */
export const KINDS: ReadonlyMap<string, CheckKind> = new Map([http, tcp, tls, metrics, models, dns, ssh].map((k) => [k.kind, k]));

/** The kinds medic.yaml may name. */
export const KIND_NAMES = [...KINDS.keys()] as [string, ...string[]];
