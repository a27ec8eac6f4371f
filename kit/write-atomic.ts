/** Writing a file so no reader (a DCC reading its startup scripts, another process) ever sees half of it. */
import fsp from 'node:fs/promises';

/** Written to a temp file beside the target and renamed over it; the temp file is removed when that fails. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.dcckit-tmp-${process.pid}`;
  try {
    await fsp.writeFile(tmp, text, 'utf8');
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
}
