import type { FeeStructure } from '../../mock-marketplace/fees';

/**
 * Ticketmaster's buyer fees on face value as the mock applies them (representative, not a quoted
 * price): a service fee of 18 % plus $6.50 a ticket (a $4.00 facility charge and a $2.50 share of
 * the per-order processing fee on a two-ticket order). No seller side: the Discovery format shows
 * none.
 *
 * Structure: "a service fee per-ticket and an order processing fee per-order that varies by
 * event", and a facility charge the venue sets and keeps (help.ticketmaster.ca, "What kinds of
 * fees, charges and taxes are there?"; help.ticketmaster.com, "How are ticket prices and fees
 * determined?"). Size: the US GAO found primary-market fees averaging 27 % of the ticket price
 * (GAO-18-347, Event Ticket Sales, April 2018); 18 % + $6.50 is 29 % on a $70 face value.
 */
export const TICKETMASTER_MOCK_FEES: FeeStructure = { buyerPercent: 0.18, buyerFixedPerTicket: 6.5 };
