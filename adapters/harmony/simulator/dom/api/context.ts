/**
 * What every DOM global is built from: the scene, the host (environment, logging, dialogs) and the realm
 * results are converted into.
 */
import type { Realm } from '../coerce.ts';
import type { SimScene } from '../scene.ts';

export interface SimHost {
  /** What System.getenv reads. */
  env: Record<string, string | undefined>;
  /** about.getMajorVersion() / getMinorVersion(). */
  version: { major: number; minor: number };
  /** about.getApplicationPath(). */
  applicationPath: string;
  /** MessageLog.trace / debug / error (debug lines start with "[debug] ", errors with "[error] "). */
  log(line: string): void;
  /** MessageBox.information / warning / critical. */
  messageBox(kind: 'information' | 'warning' | 'critical', text: string): void;
  /** specialFolders.resource; default <applicationPath>/resources. */
  resourceDir?: string;
  /** specialFolders.temp; default a folder under the OS temp dir, created when first needed. */
  tempDir?: string;
  /** specialFolders.userScripts; default Harmony's per-user <MM>00-scripts folder under $HOME. */
  userScriptsDir?: string;
  /** A call to a recorded stub, or to a documented member the simulator does not model (it throws NotSimulated). */
  record?(kind: 'not simulated' | 'stub', member: string): void;
}

export interface DomContext {
  scene: SimScene;
  host: SimHost;
  realm: Realm;
  /** specialFolders.temp, created on first use. */
  tempDir(): string;
}
