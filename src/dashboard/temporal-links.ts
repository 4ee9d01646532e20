/**
 * Links into the Temporal Web UI. Pure; no I/O. The UI's routes are
 * `/namespaces/<ns>/workflows/<workflowId>`, which redirects to the latest run (temporalio/ui,
 * src/routes/(app)/namespaces/[namespace]/workflows/[workflow]/+page.ts), and
 * `/namespaces/<ns>/workflows?query=<visibility query>` (the workflow list, filtered).
 */
import type { Env } from '../config';

export interface TemporalUi {
  /** e.g. http://127.0.0.1:8233 (no trailing slash). */
  baseUrl: string;
  namespace: string;
}

/** The Temporal Web UI the dashboard links to: TEMPORAL_UI_URL, else the dev server's UI on TEMPORAL_UI_PORT. */
export function temporalUiOf(env: Pick<Env, 'TEMPORAL_UI_URL' | 'TEMPORAL_UI_PORT' | 'TEMPORAL_NAMESPACE'>): TemporalUi {
  return {
    baseUrl: (env.TEMPORAL_UI_URL ?? `http://127.0.0.1:${env.TEMPORAL_UI_PORT}`).replace(/\/+$/, ''),
    namespace: env.TEMPORAL_NAMESPACE,
  };
}

export function workflowUrl(ui: TemporalUi, workflowId: string): string {
  return `${ui.baseUrl}/namespaces/${encodeURIComponent(ui.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

export function workflowListUrl(ui: TemporalUi, query: string): string {
  return `${ui.baseUrl}/namespaces/${encodeURIComponent(ui.namespace)}/workflows?query=${encodeURIComponent(query)}`;
}

/**
 * The workflow of a cycle from its cycle id: a cycle's cycle id is `<workflowId>/<ISO start>`
 * (src/workflows/cycle.ts), so the workflow id is everything before the last slash.
 */
export function cycleWorkflowId(cycleId: string): string {
  const i = cycleId.lastIndexOf('/');
  return i > 0 ? cycleId.slice(0, i) : cycleId;
}

/**
 * The scrapeEvent child workflow of one event in one cycle: `scrape/<eventId>/<ISO start of the cycle>`
 * (src/workflows/cycle.ts), the cycle's start being the cycle id's last part.
 */
export function scrapeWorkflowId(cycleId: string, eventId: number): string {
  const i = cycleId.lastIndexOf('/');
  return `scrape/${eventId}/${i >= 0 ? cycleId.slice(i + 1) : cycleId}`;
}
