/** `dcc-kit ui`: opens the hub's web page on a view, or prints its one-time URL. */
import type { CliCommand, CliContext } from './types.ts';
import { DccKitError, UsageError } from '../errors.ts';
import { loadConfig, whereToChange } from '../config.ts';
import { connectHub } from '../hub/client.ts';
import { RemoteError } from '../protocol/errors.ts';
import { openInBrowser } from '../web/browser.ts';
import { VIEWS } from '../web/views.ts';
import { parse, print, printJson } from './args.ts';

const USAGE = `dcc-kit ui [${VIEWS.join('|')}] [--url] [--session ID] [--json]`;

const HELP = `usage: ${USAGE}

Opens the hub's web page (the faces of the DCC menu's tools) in your browser, on a view (default:
sessions). The page is served by the hub on 127.0.0.1; the link opens it once and is then exchanged for a
cookie, so a link cannot be reused or shared.

options:
  --url          print the one-time URL instead of opening a browser (scripts, headless machines)
  --session ID   open the view on this session
  --json         print {url} as JSON (implies --url)
  --help, -h     this help

The browser is web.browser from .dcckitrc, else open (macOS), start (Windows) or xdg-open (Linux).
Starts the hub when it is not running. exit status: 0 ok, 1 failure (web.enabled is false...), 2 usage
`;

export const uiCommand: CliCommand = {
  name: 'ui',
  summary: "open the hub's web page on a view (or print its one-time URL)",
  help: HELP,
  async run(ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(ctx.argv, { url: { type: 'boolean' }, json: { type: 'boolean' }, session: { type: 'string' } }, USAGE);
    const view = positionals[0] ?? 'sessions';
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"\nusage: ${USAGE}`);
    if (!(VIEWS as readonly string[]).includes(view)) throw new UsageError(`unknown view "${view}" (views: ${VIEWS.join(', ')})\nusage: ${USAGE}`);
    const { config, sources } = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
    const hub = await connectHub({ home: config.home, env: ctx.env, start: true, callTimeout: config.hub.callTimeout });
    let url: string;
    try {
      // The page's views take the full id; a prefix or a DCC name is resolved here, and an unknown one refused.
      const session = values.session === undefined ? undefined : (await hub.session(String(values.session))).id;
      url = (await hub.hubRequest('web.url', { view, session }) as { url: string }).url;
    } catch (err) {
      if (err instanceof RemoteError && /unknown request "web\.url"/.test(err.message)) {
        throw new DccKitError('the hub serves no web page: set web.enabled: true in .dcckitrc (for the hub\'s folder or your user file) and restart it with dcc-kit hub stop && dcc-kit hub start', 'NO_WEB');
      }
      throw err;
    } finally {
      hub.close();
    }
    if (values.json) { printJson(ctx, { url }); return 0; }
    if (values.url) { print(ctx, url); return 0; }
    if (!await openInBrowser(url, config.web.browser)) {
      const why = config.web.browser ? `"${config.web.browser}" failed or could not be started (${whereToChange('web.browser', sources['web.browser'])})` : 'no browser could be started (set web.browser in .dcckitrc)';
      ctx.stderr.write(`dcc-kit ui: ${why}. Open this link once:\n`);
      print(ctx, url);
      return 1;
    }
    print(ctx, `opened the ${view} view in your browser`);
    return 0;
  },
};
