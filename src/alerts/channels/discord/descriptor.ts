import { httpUrl } from '../../../config/setting-schemas';
import { hostOf } from '../../http';
import { defineChannel } from '../descriptor';
import { discordChannel } from './channel';
import { renderDiscord } from './render';

/** Discord: an embed per alert through a channel's webhook. */
export const discord = defineChannel({
  name: 'discord',
  label: 'Discord',
  settings: [
    { name: 'DISCORD_WEBHOOK_URL', description: 'Discord webhook for price and operator alerts.', secret: true, schema: httpUrl() },
  ],
  settingsProblems: (s) =>
    /(^|\.)slack\.com$/.test(hostOf(s.DISCORD_WEBHOOK_URL))
      ? [{ variable: 'DISCORD_WEBHOOK_URL', reason: 'is a Slack URL: set it as SLACK_WEBHOOK_URL' }]
      : [],
  configure: (s, deps) =>
    s.DISCORD_WEBHOOK_URL
      ? discordChannel({ url: s.DISCORD_WEBHOOK_URL, timeoutMs: deps.timeoutMs, now: deps.now, post: deps.io.post })
      : null,
  render: renderDiscord,
});
