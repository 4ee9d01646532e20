import { isGrpcServiceError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/**
 * Worker Versioning as the operator sees it (docs/upgrades.md): the versions of the worker
 * deployment, which one is current, and which workers poll as which build. Read from Temporal's
 * DescribeWorkerDeployment and DescribeTaskQueue; changed with SetWorkerDeploymentCurrentVersion.
 */

/** A version's state, Temporal's WorkerDeploymentVersionStatus without its prefix, lower case. */
export type VersionStatus = 'inactive' | 'created' | 'current' | 'ramping' | 'draining' | 'drained' | 'unspecified';

export interface DeploymentVersion {
  buildId: string;
  status: VersionStatus;
}

export interface DeploymentState {
  name: string;
  /** Build id of the Current Version; null while unversioned workers are current. */
  current: string | null;
  ramping: { buildId: string; percent: number } | null;
  versions: DeploymentVersion[];
  /** False while a routing change (a new Current Version) is still reaching the task queues. */
  routingSettled: boolean;
}

/** A worker polling a task queue: identity, last poll (ISO 8601 or null), and the version it polls as (null: unversioned). */
export interface Poller {
  identity: string;
  lastPollAt: string | null;
  version: { deploymentName: string; buildId: string } | null;
}

/**
 * Whether a poller serves the deployment: `serving` (current, ramping, draining), `idle` (a version
 * no workflow is routed to), `refused` (not of this deployment: this tool's verdict, the server
 * routes by deployment), `gone` (no poll for STALE_POLL_MS: stopped; the server lists a worker for
 * minutes after its last poll).
 */
export interface PollerVerdict {
  poller: Poller;
  verdict: 'serving' | 'idle' | 'refused' | 'gone';
  reason: string;
}

/** A worker that has not polled for this long is taken as stopped (a long poll lasts about a minute). */
export const STALE_POLL_MS = 120_000;

/** The build a workflow run is pinned to, from its description (null: unversioned). */
export function buildOfRun(run: WorkflowExecutionDescription): { deploymentName: string; buildId: string } | null {
  const v = run.raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion;
  return v?.buildId ? { deploymentName: v.deploymentName ?? '', buildId: v.buildId } : null;
}

/** gRPC's NOT_FOUND status code (grpc.io/docs/guides/status-codes): the deployment does not exist yet. */
const GRPC_NOT_FOUND = 5;

const STATUS_NAMES: Record<number, VersionStatus> = {
  [temporal.api.enums.v1.WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_INACTIVE]: 'inactive',
  [temporal.api.enums.v1.WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_CREATED]: 'created',
  [temporal.api.enums.v1.WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_CURRENT]: 'current',
  [temporal.api.enums.v1.WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_RAMPING]: 'ramping',
  [temporal.api.enums.v1.WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_DRAINING]: 'draining',
  [temporal.api.enums.v1.WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_DRAINED]: 'drained',
};

/** A build id the deployment does not have, named, with the ones it has. */
export class UnknownBuildIdError extends Error {
  override name = 'UnknownBuildIdError';
  constructor(
    readonly buildId: string,
    readonly deploymentName: string,
    known: readonly DeploymentVersion[],
  ) {
    super(
      `unknown build id "${buildId}": deployment ${deploymentName} has ${
        known.length > 0 ? known.map((v) => `${v.buildId} (${v.status})`).join(', ') : 'no version (no versioned worker has polled)'
      }`,
    );
  }
}

/** A build no live worker polls for: promoting it would strand every workflow routed to it. */
export class NoWorkerOfBuildError extends Error {
  override name = 'NoWorkerOfBuildError';
  constructor(buildId: string, deploymentName: string, taskQueue: string) {
    super(
      `no worker of build ${buildId} (deployment ${deploymentName}) polls task queue ${taskQueue}: start its workers first, or the tracker and every new scrape would wait for one`,
    );
  }
}

/** The deployment `name` as the server describes it, or null when no versioned worker ever polled for it. */
export async function describeDeployment(client: Client, namespace: string, name: string): Promise<DeploymentState | null> {
  let answer: temporal.api.workflowservice.v1.IDescribeWorkerDeploymentResponse;
  try {
    answer = await client.workflowService.describeWorkerDeployment({ namespace, deploymentName: name });
  } catch (err) {
    if (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND) return null;
    throw err;
  }
  const info = answer.workerDeploymentInfo;
  const routing = info?.routingConfig;
  const versions = (info?.versionSummaries ?? [])
    .map((v) => ({ buildId: v.deploymentVersion?.buildId ?? '', status: STATUS_NAMES[v.status ?? 0] ?? 'unspecified' }))
    .filter((v) => v.buildId !== '');
  return {
    name,
    current: routing?.currentDeploymentVersion?.buildId || null,
    ramping: routing?.rampingDeploymentVersion?.buildId
      ? { buildId: routing.rampingDeploymentVersion.buildId, percent: routing.rampingVersionPercentage ?? 0 }
      : null,
    versions,
    routingSettled:
      info?.routingConfigUpdateState !== temporal.api.enums.v1.RoutingConfigUpdateState.ROUTING_CONFIG_UPDATE_STATE_IN_PROGRESS,
  };
}

/**
 * Makes `buildId` the Current Version of deployment `name`: new workflows start on it, and the
 * tracker loop moves to it at its next continue-as-new. The build must be a version of the
 * deployment (a worker of that build has polled) and, when `taskQueue` is given, a worker of it
 * must poll that queue now. Resolves once the routing change has reached the task queues (30 s at most).
 *
 * @throws UnknownBuildIdError naming the build and the versions there are; NoWorkerOfBuildError.
 */
export async function setCurrentBuild(
  client: Client,
  namespace: string,
  name: string,
  buildId: string,
  identity: string,
  taskQueue?: string,
): Promise<{ previous: string | null }> {
  const before = await describeDeployment(client, namespace, name);
  if (!before || !before.versions.some((v) => v.buildId === buildId)) throw new UnknownBuildIdError(buildId, name, before?.versions ?? []);
  if (taskQueue) {
    // Workflows routed to a build nobody polls for wait, the tracker loop with them.
    const live = judgePollers(await workflowPollers(client, namespace, taskQueue), name, before).filter(
      (p) => p.verdict !== 'gone' && p.poller.version?.deploymentName === name && p.poller.version.buildId === buildId,
    );
    if (live.length === 0) throw new NoWorkerOfBuildError(buildId, name, taskQueue);
  }
  await client.workflowService.setWorkerDeploymentCurrentVersion({ namespace, deploymentName: name, buildId, identity });
  // The change reaches the task queues asynchronously: until it has, a workflow task still sees
  // the old target (a tracker woken now would not move). 30 s at most, then it returns anyway.
  for (let i = 0; i < 60; i++) {
    if ((await describeDeployment(client, namespace, name))?.routingSettled !== false) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return { previous: before.current };
}

/** The workers polling `taskQueue` for workflow tasks, with the version each polls as. */
export async function workflowPollers(client: Client, namespace: string, taskQueue: string): Promise<Poller[]> {
  const answer = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return (answer.pollers ?? []).map((p) => {
    const d = p.deploymentOptions;
    const versioned =
      d?.buildId && d.workerVersioningMode !== temporal.api.enums.v1.WorkerVersioningMode.WORKER_VERSIONING_MODE_UNVERSIONED;
    return {
      identity: p.identity ?? '?',
      lastPollAt: p.lastAccessTime?.seconds != null ? new Date(Number(p.lastAccessTime.seconds) * 1000).toISOString() : null,
      version: versioned ? { deploymentName: d.deploymentName ?? '', buildId: d.buildId ?? '' } : null,
    };
  });
}

/**
 * Judges each poller against the deployment `name`: a worker of another deployment, or of a build
 * id the deployment does not have, is refused by name; an unversioned worker is refused once the
 * deployment has a Current Version (it only serves workflows started before Worker Versioning, and
 * none start there any more); a version nothing is routed to is idle.
 */
export function judgePollers(
  pollers: readonly Poller[],
  name: string,
  deployment: DeploymentState | null,
  now: number = Date.now(),
): PollerVerdict[] {
  return pollers.map((poller): PollerVerdict => {
    const v = poller.version;
    const silentMs = poller.lastPollAt ? now - Date.parse(poller.lastPollAt) : 0;
    if (silentMs > STALE_POLL_MS)
      return {
        poller,
        verdict: 'gone',
        reason: `${v ? `build ${v.buildId}, ` : ''}last polled ${Math.round(silentMs / 1000)} s ago: stopped`,
      };
    if (!v) {
      return deployment?.current
        ? { poller, verdict: 'refused', reason: `unversioned, while deployment ${name} has current build ${deployment.current}` }
        : { poller, verdict: 'serving', reason: 'unversioned' };
    }
    if (v.deploymentName !== name)
      return { poller, verdict: 'refused', reason: `build ${v.buildId} of deployment ${v.deploymentName}, not of ${name}` };
    const known = deployment?.versions.find((k) => k.buildId === v.buildId);
    if (!known) return { poller, verdict: 'refused', reason: new UnknownBuildIdError(v.buildId, name, deployment?.versions ?? []).message };
    if (known.status === 'current' || known.status === 'ramping' || known.status === 'draining')
      return { poller, verdict: 'serving', reason: `build ${v.buildId} (${known.status})` };
    return {
      poller,
      verdict: 'idle',
      reason:
        known.status === 'drained'
          ? `build ${v.buildId} (drained: no workflow left on it; the worker can be stopped)`
          : `build ${v.buildId} (${known.status}: make it current with \`ticket-tracker tracker promote ${v.buildId}\`)`,
    };
  });
}
