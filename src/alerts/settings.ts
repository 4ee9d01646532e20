/**
 * Cross-setting checks of the alert channels (pure; parseEnv and configuredChannels both use them).
 */
export interface AlertSettings {
  DISCORD_WEBHOOK_URL?: string | undefined;
  SLACK_WEBHOOK_URL?: string | undefined;
  SMTP_URL?: string | undefined;
  ALERT_EMAIL_TO: readonly string[];
  ALERT_WEBHOOK_URL?: string | undefined;
  ALERT_WEBHOOK_SECRET?: string | undefined;
}

/** E-mail needs both a server and recipients: the problem when only one is set. */
export function emailSettingsProblem(env: AlertSettings): { variable: string; reason: string } | undefined {
  if (env.SMTP_URL && env.ALERT_EMAIL_TO.length === 0) {
    return { variable: 'ALERT_EMAIL_TO', reason: 'is required when SMTP_URL is set (comma-separated addresses)' };
  }
  if (!env.SMTP_URL && env.ALERT_EMAIL_TO.length > 0) {
    return { variable: 'SMTP_URL', reason: 'is required when ALERT_EMAIL_TO is set (e.g. smtp://user:password@mail.example.com:587)' };
  }
  return undefined;
}

/** The problems of the alert settings taken together (empty when none). */
export function alertSettingsProblems(env: AlertSettings): { variable: string; reason: string }[] {
  const problems: { variable: string; reason: string }[] = [];
  const email = emailSettingsProblem(env);
  if (email) problems.push(email);
  if (env.ALERT_WEBHOOK_SECRET && !env.ALERT_WEBHOOK_URL) {
    problems.push({ variable: 'ALERT_WEBHOOK_SECRET', reason: 'is set but ALERT_WEBHOOK_URL is not (the secret signs that webhook)' });
  }
  const host = (url: string | undefined): string => (url && URL.canParse(url) ? new URL(url).hostname.toLowerCase() : '');
  if (/(^|\.)slack\.com$/.test(host(env.DISCORD_WEBHOOK_URL))) {
    problems.push({ variable: 'DISCORD_WEBHOOK_URL', reason: 'is a Slack URL: set it as SLACK_WEBHOOK_URL' });
  }
  if (/(^|\.)discord(app)?\.com$/.test(host(env.SLACK_WEBHOOK_URL))) {
    problems.push({ variable: 'SLACK_WEBHOOK_URL', reason: 'is a Discord URL: set it as DISCORD_WEBHOOK_URL' });
  }
  return problems;
}
