/**
 * `dcc-kit ui`: opens the hub's web page on a view (through a redirect file the hub writes in its private run
 * folder: the one-time link never goes on the browser's command line), prints its one-time URL, or revokes
 * every page's access.
 */
import type { CliCommand, CliContext } from './types.ts';
import { DccKitError, UsageError } from '../errors.ts';
import { loadConfig, whereToChange } from '../config.ts';
import { connectHub } from '../hub/client.ts';
import { HubNotRunningError } from '../hub/connect.ts';
import { RemoteError } from '../protocol/errors.ts';
import { openInBrowser } from '../web/browser.ts';
import { VIEWS } from '../web/views.ts';
import { parse, print, printJson } from './args.ts';

const USAGE = `dcc-kit ui [${VIEWS.join('|')}] [--url] [--session ID] [--json]\n       dcc-kit ui --revoke [--json]`;

const HELP = `usage: ${USAGE}

Opens the hub's web page (the faces of the DCC menu's tools) in your browser, on a view (default:
sessions). The page is served by the hub on 127.0.0.1. The browser is given a small redirect file in the
hub's private run folder (not the link itself: a command line is visible to every user of the machine);
the link in it opens the page once, within 5 minutes, and is exchanged for a cookie for that browser. A
page's access lasts a day, ends when the hub stops, and ends at once with --revoke.

options:
  --url          print the one-time URL instead of opening a browser (scripts, headless machines).
                 The URL is a secret until it is used: whoever opens it first gets the page. Do not
                 paste it into a command line, a chat or a log.
  --session ID   open the view on this session
  --revoke       end the access of every open page and unused link (open the page again afterwards)
  --json         print {url} as JSON (implies --url); with --revoke, {sessions, links}
  --help, -h     this help

The browser is web.browser from .dcckitrc, else open (macOS), start (Windows) or xdg-open (Linux).
Starts the hub when it is not running. exit status: 0 ok, 1 failure (web.enabled is false...), 2 usage
`;

const NO_WEB = 'the hub serves no web page: set web.enabled: true in .dcckitrc (for the hub\'s folder or your user file) and restart it with dcc-kit hub stop && dcc-kit hub start';

export const uiCommand: CliCommand = {
  name: 'ui',
  summary: "open the hub's web page on a view (or print its one-time URL)",
  help: HELP,
  async run(ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(ctx.argv, { url: { type: 'boolean' }, json: { type: 'boolean' }, session: { type: 'string' }, revoke: { type: 'boolean' } }, USAGE);
    if (values.revoke) {
      if (positionals.length || values.url || values.session !== undefined) throw new UsageError(`--revoke takes no view, --url or --session\nusage: ${USAGE}`);
      return revoke(ctx, Boolean(values.json));
    }
    const view = positionals[0] ?? 'sessions';
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"\nusage: ${USAGE}`);
    if (!(VIEWS as readonly string[]).includes(view)) throw new UsageError(`unknown view "${view}" (views: ${VIEWS.join(', ')})\nusage: ${USAGE}`);
    const { config, sources } = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
    const hub = await connectHub({ home: config.home, env: ctx.env, start: true, callTimeout: config.hub.callTimeout });
    const printUrl = Boolean(values.url || values.json);
    let url: string;
    try {
      // The page's views take the full id; a prefix or a DCC name is resolved here, and an unknown one refused.
      const session = values.session === undefined ? undefined : (await hub.session(String(values.session))).id;
      url = printUrl
        ? (await hub.hubRequest('web.url', { view, session }) as { url: string }).url
        : (await hub.hubRequest('web.open', { view, session }) as { fileUrl: string }).fileUrl;
    } catch (err) {
      throw noWeb(err);
    } finally {
      hub.close();
    }
    if (values.json) { printJson(ctx, { url }); return 0; }
    if (values.url) { print(ctx, url); return 0; }
    if (!await openInBrowser(url, config.web.browser)) {
      const why = config.web.browser ? `"${config.web.browser}" failed or could not be started (${whereToChange('web.browser', sources['web.browser'])})` : 'no browser could be started (set web.browser in .dcckitrc)';
      ctx.stderr.write(`dcc-kit ui: ${why}. Open this file in your browser within 5 minutes (it opens the page once):\n`);
      print(ctx, url);
      return 1;
    }
    print(ctx, `opened the ${view} view in your browser`);
    return 0;
  },
};

function noWeb(err: unknown): unknown {
  if (err instanceof RemoteError && /unknown request "web\.(url|open|revoke)"/.test(err.message)) return new DccKitError(NO_WEB, 'NO_WEB');
  return err;
}

async function revoke(ctx: CliContext, json: boolean): Promise<number> {
  const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env });
  const hub = await connectHub({ home: config.home, env: ctx.env, start: false, callTimeout: config.hub.callTimeout })
    .catch((err: unknown) => { if (err instanceof HubNotRunningError) return null; throw err; });
  if (!hub) {
    // No hub: no page has access (sessions live in the hub's memory).
    if (json) printJson(ctx, { sessions: 0, links: 0 });
    else print(ctx, 'the hub is not running: no page has access');
    return 0;
  }
  let counts: { sessions: number; links: number };
  try {
    counts = await hub.hubRequest('web.revoke', {}) as { sessions: number; links: number };
  } catch (err) {
    throw noWeb(err);
  } finally {
    hub.close();
  }
  if (json) printJson(ctx, counts);
  else print(ctx, `revoked ${counts.sessions} page session(s) and ${counts.links} unused link(s): open the page again with dcc-kit ui`);
  return 0;
}
