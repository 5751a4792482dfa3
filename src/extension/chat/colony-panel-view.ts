import type { ColonyState as RuntimeColonyState } from '../../runtime/session/types';
import type { ColonyState } from '../../shared/protocol';

/** The runtime's colony state as the chat panel's colony bar draws it (`ColonyStateSchema`). */
export function colonyPanelView(c: RuntimeColonyState): ColonyState {
  return {
    name: c.name,
    path: c.path,
    workersRunning: c.workers_running,
    workersDone: c.workers_done,
    escalations: c.escalations.map((e) => ({
      requestId: e.request_id,
      workerId: e.worker_id,
      reason: e.reason,
      context: e.context,
    })),
  };
}
