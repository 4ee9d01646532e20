// Everything exported here is registered as a workflow type by the worker's bundle.
export { selfCheck } from './self-check';
export { trackerLoop } from './tracker-loop';
export { scrapeEvent } from './scrape-event';
export { scrapeEvents } from './scrape-events';
export { hourlyRollup, dailyRollup, archiveAndRetention } from './maintenance';
export { deliverAlerts } from './deliver-alerts';
