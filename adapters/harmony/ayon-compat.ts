/**
 * Opt-in compatibility with an unmodified AYON-style Harmony client (harmony.compat: ayon):
 * its `emit_event application.launched` request counts as hello, its module/method requests map to
 * our named endpoints or are refused, and its in-band error strings become error replies.
 * It has no token, so it is off by default and the hub logs a warning while it is on.
 */
import type { LegacyProtocol } from '../../kit/adapter.ts';
import type { ReplyMessage, RequestMessage } from '../../kit/protocol/messages.ts';

const SHOW_TOOL: Record<string, string> = {
  workfiles: 'harmony.menu.workfiles',
  creator: 'harmony.menu.create',
  loader: 'harmony.menu.load',
  publisher: 'harmony.menu.publish',
  publish: 'harmony.menu.publish',
  sceneinventory: 'harmony.menu.manage',
  subsetmanager: 'harmony.menu.manage',
};

const ERROR_PREFIX = 'Error processing request.';
const ERROR_MARKER = '\nError:\n';

export const ayonCompat: LegacyProtocol = {
  name: 'ayon',
  enabled: (config) => (config as { harmony?: { compat?: string } } | undefined)?.harmony?.compat === 'ayon',
  asciiOnly: true,
  matchHello(first: RequestMessage) {
    const mod = first.module;
    const args = first.args;
    if ((mod === 'ayon_core.lib' || mod === 'openpype.lib') && first.method === 'emit_event'
      && Array.isArray(args) && args[0] === 'application.launched') return {};
    return null;
  },
  mapRequest(msg: RequestMessage) {
    const mod = String(msg.module ?? '');
    const method = String(msg.method ?? '');
    const args = Array.isArray(msg.args) ? msg.args : [];
    if (/^(ayon_harmony\.api\.lib|openpype\.hosts\.harmony\.api\.lib)$/.test(mod) && method === 'show') {
      const request = SHOW_TOOL[String(args[0])];
      return request ? { request } : null;
    }
    if (/^(ayon_harmony\.api|openpype\.hosts\.harmony\.api)$/.test(mod) && method === 'ensure_scene_settings') {
      return { request: 'harmony.menu.sceneSettings' };
    }
    return null;
  },
  interpretReply(reply: ReplyMessage): ReplyMessage {
    const result = reply.result;
    if (typeof result === 'string' && result.startsWith(ERROR_PREFIX)) {
      // The request part is pretty-printed JSON, which never has a line "Error:", so the first
      // marker ends it; the error text itself may contain the marker.
      const at = result.indexOf(ERROR_MARKER);
      const message = at >= 0 ? result.slice(at + ERROR_MARKER.length) : result;
      const name = /^(\w*Error): /.exec(message)?.[1] ?? 'HarmonyError';
      return { message_id: reply.message_id, reply: true, error: { name, message: message.replace(/^\w*Error: /, '') } };
    }
    return reply;
  },
};
