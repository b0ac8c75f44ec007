import type { LoadedPolicy } from '../config/load.js';
import type { AppPorts, WorkspaceRequest } from './ports.js';
import { openWorkspace } from './workspace.js';

/** `config check|print`: the policy as loaded (validated; defaults filled in). */
export async function loadedPolicy(ports: AppPorts, request: WorkspaceRequest): Promise<LoadedPolicy> {
  return (await openWorkspace(ports, request)).loaded;
}
