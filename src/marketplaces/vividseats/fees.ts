import type { FeeStructure } from '../../mock-marketplace/fees';

/**
 * Vivid Seats' buyer fees as the mock applies them (representative, not a quoted price): a
 * service fee of 34.5 % of the seller's price plus $0.50 a ticket of electronic delivery fee. No
 * seller side: the listings format shows none.
 *
 * Structure: the listings format itself says what its all-in price adds to `p`,
 * `aipIncludedPrices: "CUSTOMER_PRICE,SERVICE_FEE,ELECTRONIC_DELIVERY_FEE"` (a percentage service
 * fee and a delivery fee; test/fixtures/marketplaces/vividseats/listings.json). Size: the real
 * capture behind the trial fixture (adamgrushan/helldiver-tickets, captures/raw/vividseats.json;
 * test/fixtures/marketplaces/trial/vs_real18.json) has `aip` ≈ 1.35 × `p` (a least-squares line
 * through 17 of its 18 tickets gives 34.7 % + $0.57), inside the 31 % average and "over 40 % on
 * some sites" the US GAO found on resale (GAO-18-347, Event Ticket Sales, April 2018).
 */
export const VIVIDSEATS_MOCK_FEES: FeeStructure = { buyerPercent: 0.345, buyerFixedPerTicket: 0.5 };
