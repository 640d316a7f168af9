/**
 * The token forms of both token pages (a dealer administrator's own, an administrator's for any dealer):
 * create (the secret is answered once, with the page's data) and revoke. The pages differ only in whose
 * dealer it is and who may manage it.
 */
import { json } from "@remix-run/node";
import { translate } from "~/i18n";
import type { Actor } from "~/modules/auth/actor";
import { parseForm } from "~/utils/http.server";
import { intentAction } from "~/utils/intent.server";
import { CreateTokenSchema, RevokeTokenSchema } from "./tokens.schema.server";
import { createToken, revokeToken } from "./tokens.server";

export function tokenFormAction(request: Request, actor: Actor, dealerId: number) {
  return intentAction(request, {
    create: async (ctx) => {
      const form = await parseForm(request, CreateTokenSchema, ctx.form);
      if (!form.ok) return ctx.fail(form);
      const r = await createToken(actor, dealerId, form.data);
      return json({
        ok: true as const,
        intent: ctx.intent,
        message: translate(actor.locale, "apiTokens.created", { name: form.data.name }),
        created: { name: form.data.name, secret: r.secret },
      });
    },
    revoke: (ctx) => ctx.submit(RevokeTokenSchema, (d) => revokeToken(actor, dealerId, d.tokenId), "apiTokens.revoked"),
  });
}
