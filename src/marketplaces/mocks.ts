import type { MockRoute } from '../mock-marketplace/routes';
import { seatgeekMock } from './seatgeek/mock';
import { stubhubCatalogMock, stubhubProMock, stubhubTokenMock } from './stubhub/mock';
import { ticketmasterMock } from './ticketmaster/mock';
import { vividseatsMock } from './vividseats/mock';

/** Every marketplace's mock routes (the mock half of the registry; see registry.ts): the mock marketplace serves these. */
export const MOCK_ROUTES: readonly MockRoute[] = [
  vividseatsMock,
  stubhubProMock,
  stubhubTokenMock,
  stubhubCatalogMock,
  seatgeekMock,
  ticketmasterMock,
];
