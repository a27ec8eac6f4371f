/** Tool endpoints of this area (see ../pipeline-types.ts for names and shapes). */
import type { Endpoint } from '../../../kit/adapter.ts';

export const endpoints: Record<string, Endpoint> = {};
