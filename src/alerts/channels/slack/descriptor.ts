import { httpUrl } from '../../../config/setting-schemas';
import { hostOf } from '../../http';
import { defineChannel } from '../descriptor';
import { slackChannel } from './channel';
import { renderSlack } from './render';

/** Slack: a Block Kit message per alert through an incoming webhook. */
export const slack = defineChannel({
  name: 'slack',
  label: 'Slack',
  settings: [
    { name: 'SLACK_WEBHOOK_URL', description: 'Slack incoming webhook for price and operator alerts.', secret: true, schema: httpUrl() },
  ],
  settingsProblems: (s) =>
    /(^|\.)discord(app)?\.com$/.test(hostOf(s.SLACK_WEBHOOK_URL))
      ? [{ variable: 'SLACK_WEBHOOK_URL', reason: 'is a Discord URL: set it as DISCORD_WEBHOOK_URL' }]
      : [],
  configure: (s, deps) =>
    s.SLACK_WEBHOOK_URL ? slackChannel({ url: s.SLACK_WEBHOOK_URL, timeoutMs: deps.timeoutMs, now: deps.now, post: deps.io.post }) : null,
  render: (message) => renderSlack(message),
});
