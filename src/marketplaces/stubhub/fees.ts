import type { FeeStructure } from '../../mock-marketplace/fees';

/**
 * StubHub's fees as the mock applies them (representative, not quoted prices): the buyer pays a
 * service fee of 27 % of the seller's price plus a fulfilment fee, here $4.25 a ticket (StubHub
 * charges it per order; this is a two-ticket order's share); the seller pays 15 % of the price,
 * taken from its proceeds, so the seller net proceeds are below the buyer's price.
 *
 * Structure: the seller sets its price and StubHub adds its own fees to it to make the buyer's
 * final price (support.stubhub.pl, "Quel prix dois-je fixer pour mon billet ?"): a service fee
 * and a fulfilment fee; the seller's fee is deducted from the sale price, "typically around 15 %"
 * (fone.tips/stubhub-seller-fees-stubhub-refund). Size: the US GAO found resale fees averaging
 * 31 % of the ticket price (GAO-18-347, Event Ticket Sales, April 2018); 27 % + $4.25 is about
 * 31 % on a $100 ticket.
 */
export const STUBHUB_MOCK_FEES: FeeStructure = { buyerPercent: 0.27, buyerFixedPerTicket: 4.25, sellerPercent: 0.15 };
