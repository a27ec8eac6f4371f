/** A connection to the hub when one is running (CLI side), without starting one. */
import { connectHub, type HubClient } from '../../../kit/hub/client.ts';
import { hubPaths, readRuntime } from '../../../kit/hub/runtime.ts';

export async function runningHubClient(home: string, env: NodeJS.ProcessEnv): Promise<HubClient | null> {
  const info = await readRuntime(hubPaths(home)).catch(() => null);
  if (!info) return null;
  try {
    return await connectHub({ port: info.port, token: info.token, env, connectTimeout: 2000 });
  } catch {
    return null;
  }
}
