import type { MedicConfig, Permission } from '../config.js';
import type { ChatUser, InboundMessage } from './inbound.js';

/** Whether a user may run an action; absent rules mean everyone may. */
export function allowed(cfg: MedicConfig, permission: Permission, platform: InboundMessage['platform'], user: ChatUser): boolean {
  const rule = cfg.chat.permissions[permission];
  if (!rule || platform === 'console') return true;
  if (platform === 'discord') return rule.discordRoles.length === 0 || rule.discordRoles.some((r) => user.roles.includes(r));
  const open = rule.slackUsers.length === 0 && rule.slackUsergroups.length === 0;
  return open || rule.slackUsers.includes(user.id) || rule.slackUsergroups.some((g) => user.roles.includes(g));
}

/** Who may, in words that mention nobody. */
export function whoMay(cfg: MedicConfig, permission: Permission, platform: InboundMessage['platform']): string {
  const rule = cfg.chat.permissions[permission];
  if (!rule) return 'everyone';
  if (platform === 'discord') return rule.discordRoles.length ? `members with the role ${rule.discordRoles.join(' or ')}` : 'everyone';
  const parts = [...(rule.slackUsers.length ? [`users ${rule.slackUsers.join(', ')}`] : []), ...(rule.slackUsergroups.length ? [`user groups ${rule.slackUsergroups.join(', ')}`] : [])];
  return parts.join(' and ') || 'everyone';
}
