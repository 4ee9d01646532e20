import type { FeeStructure } from '../../mock-marketplace/fees';

/**
 * SeatGeek's buyer fees as the mock applies them (representative, not a quoted price): a service
 * fee of 31 % of the seller's price plus $1.90 a ticket. No seller side: the event format shows
 * none.
 *
 * Structure and size: SeatGeek's `/2/events` stats give the lowest price both before its fees
 * (`lowest_sg_base_price`) and with them (`lowest_price`); the real responses saved in
 * zachbrown12/Project_1_Flatiron (reference/sgresults.rb; test/fixtures/marketplaces/trial/
 * sg_search.json) show 141 → 187 and 26 → 36, which a percentage plus a fixed amount fits at
 * about 31 % + $1.90 (whole dollars, so roughly). The US GAO found resale fees averaging 31 % of
 * the ticket price (GAO-18-347, Event Ticket Sales, April 2018).
 */
export const SEATGEEK_MOCK_FEES: FeeStructure = { buyerPercent: 0.31, buyerFixedPerTicket: 1.9 };
