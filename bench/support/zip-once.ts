/** Child process of the zip bench: zips a folder once, as the hub does, and prints its peak RSS. */
import { zipDirectory } from '../../kit/archive/index.ts';

const [src, dest] = process.argv.slice(2);
const t0 = performance.now();
await zipDirectory(src!, dest!);
process.stdout.write(JSON.stringify({ ms: performance.now() - t0, peakMiB: process.resourceUsage().maxRSS / 1024 }) + '\n');
