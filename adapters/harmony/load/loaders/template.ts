/** Template: a published .tpl (zipped) pasted into Top under a backdrop named after the product. */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { LoadError } from '../errors.ts';
import type { HarmonyLoader, LoaderInput } from '../loader-types.ts';

/** Extracts the zipped product into the load's staging folder; `tpl` finds the .tpl folder inside. */
export async function extractedProduct(input: LoaderInput, tpl: boolean): Promise<{ args: Record<string, unknown>; source: string }> {
  const dir = path.join(await input.staging(), 'product');
  const { extractZip } = await import('../../../../kit/archive/index.ts');
  await extractZip(input.files[0]!, dir, { maxBytes: input.zip.maxBytes, maxRatio: input.zip.maxRatio, maxRatioSetting: 'harmony.workfiles.maxCompressionRatio' });
  let folder = dir;
  if (tpl) {
    const found = (await fsp.readdir(dir)).find((n) => n.endsWith('.tpl'));
    if (!found) throw new LoadError(`${input.storeFiles[0]} holds no .tpl folder`);
    folder = path.join(dir, found);
  }
  return { args: { tpl: folder, title: input.productName }, source: input.files[0]! };
}

const template: HarmonyLoader = {
  name: 'template', label: 'Template', families: ['harmony.template', 'template'], representations: ['tpl'],
  prepare: (input) => extractedProduct(input, true),
  source: import.meta.filename,
};

export default template;
