/**
 * Redeems a page's one-time link as a browser would: the cookie it sets and the per-page CSRF secret that
 * travels only in the redirect's #fragment. Tests that post to the page without a browser send both.
 */
export interface PageAccess { cookie: string; csrf: string; origin: string; headers: Record<string, string> }

export async function redeemPageLink(link: string | URL): Promise<PageAccess> {
  const first = await fetch(link, { redirect: 'manual' });
  const cookie = String(first.headers.get('set-cookie')).split(';')[0]!;
  const csrf = /#csrf=([^&]+)/.exec(first.headers.get('location') ?? '')?.[1];
  if (!csrf) throw new Error(`the page's link redirected without a CSRF secret (status ${first.status}, location ${first.headers.get('location')})`);
  const origin = new URL(link).origin;
  return { cookie, csrf, origin, headers: { Cookie: cookie, Origin: origin, 'X-DCCKit-CSRF': csrf } };
}
