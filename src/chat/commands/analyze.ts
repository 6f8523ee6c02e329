import { basename } from 'node:path';
import type { ChatCommand } from './command.js';
import { notice } from '../../reply/reply.js';
import type { Upload } from '../../bundles/download.js';

/** Analyzes an uploaded diagnostic bundle: progress in one edited message, then the report. */
export const analyze: ChatCommand = {
  name: 'analyze',
  description: 'Analyze a diagnostic bundle (.tar.gz, .zip, .gz, .log)',
  options: [{ name: 'bundle', description: 'The bundle (.tar.gz, .tgz, .zip, .gz, .log)', type: 'attachment', required: true }],
  // Bundles are heavy: a few per person in ten minutes.
  rateLimit: { max: 5, windowSeconds: 600 },
  async run(ctx, args) {
    // The console is local: it names a path on this machine.
    const local: Upload | null = ctx.platform === 'console' && args.bundle?.trim() ? { platform: 'console', name: basename(args.bundle.trim()), size: 0, url: args.bundle.trim() } : null;
    const file = ctx.files[0] ?? local;
    if (!file) {
      const how = ctx.platform === 'slack' ? 'Upload the bundle in the channel and mention Medic in the same message.' : ctx.platform === 'console' ? 'Type /analyze PATH.' : 'Use /analyze with the bundle attached, or mention Medic in a message with the file.';
      return { kind: 'reply', ephemeral: true, reply: notice('Attach a bundle to analyze', how) };
    }
    if (!ctx.messenger) return { kind: 'reply', ephemeral: true, reply: notice('Cannot show progress here', 'Run /analyze in a channel or thread.') };
    const done = await ctx.bundles.run(file, { platform: ctx.platform, ...ctx.messenger.target }, ctx.messenger, ctx.user.id);
    // Queued: the progress message already says so, and the report will follow it.
    if (!done) return { kind: 'silent', reason: 'bundle queued' };
    return { kind: 'reply', ephemeral: done.refused, reply: done.reply, ...(done.answerId ? { answerId: done.answerId } : {}) };
  },
};
