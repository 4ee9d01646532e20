import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { renderDiscord } from '../../../src/alerts/channels/discord/render';
import { renderEmail } from '../../../src/alerts/channels/email/render';
import { renderSlack } from '../../../src/alerts/channels/slack/render';
import type { AlertMessage } from '../../../src/alerts/message';
import { discordBodyErrors, slackBodyError } from '../../helpers/alert-receivers';

/** Any text a catalog or a rule may hold: full Unicode (emoji, surrogate pairs), markup, very long. */
const text = (max: number) => fc.string({ unit: 'binary', maxLength: max });
const name = fc.oneof(
  text(40),
  text(6000),
  fc.constantFrom('@everyone', '<script>x</script>', 'Rock & Roll <Revival>', '**bold** _it_ `code`'),
);

const message: fc.Arbitrary<AlertMessage> = fc.record({
  kind: fc.constantFrom('price' as const, 'operator' as const),
  severity: fc.constantFrom('info' as const, 'warning' as const, 'critical' as const),
  title: name,
  text: fc.oneof(text(200), text(9000)),
  dedupeKey: fc.string({ minLength: 1, maxLength: 500 }),
  event: fc.record({
    id: fc.nat(),
    name,
    startsAt: fc.constantFrom(null, '2027-05-01T20:00:00-05:00'),
    venue: fc.option(name, { nil: null }),
    url: fc.constantFrom(null, 'https://www.stubhub.com/event/150000000', `https://example.com/${'p'.repeat(3100)}`),
  }),
  zone: name,
  groupSize: fc.constantFrom(1 as const, 2 as const, 4 as const),
  previousPrice: fc.option(fc.double({ min: 0, max: 1e7, noNaN: true }), { nil: null }),
  price: fc.option(fc.double({ min: 0, max: 1e7, noNaN: true }), { nil: null }),
  changePercent: fc.option(fc.double({ min: -100, max: 1e4, noNaN: true }), { nil: null }),
  currency: fc.constantFrom('USD', 'EUR', 'CAD', 'GBP'),
});

describe('every rendered body stays within the services’ limits, whatever the alert says', () => {
  it('Discord: the local Discord (its documented limits) finds nothing to refuse', () => {
    fc.assert(
      fc.property(message, (m) => {
        assert.deepEqual(discordBodyErrors(renderDiscord(m, new Date('2027-04-30T18:00:00Z'))), {});
      }),
      { numRuns: 300 },
    );
  });

  it('Slack: the local Slack (Block Kit limits) finds nothing to refuse', () => {
    fc.assert(
      fc.property(message, (m) => {
        assert.equal(slackBodyError(renderSlack(m)), undefined);
      }),
      { numRuns: 300 },
    );
  });

  it('E-mail: no user text reaches the HTML unescaped', () => {
    fc.assert(
      fc.property(message, fc.constantFrom('<b>', '<script>', '<img src=x onerror=alert(1)>'), (m, tag) => {
        const html = renderEmail({ ...m, title: `${m.title}${tag}`, text: `${tag}${m.text}` }).html;
        assert.ok(!html.includes(tag), `found ${tag}`);
      }),
      { numRuns: 200 },
    );
  });
});
