/**
 * What the signed-in reader may open, for page components: the same permission table the loaders
 * enforce (`roleCan`), read from the root loader's actor. A link to a page the reader may not open is
 * rendered as plain text, never as a link that answers 403 (tests/http/shown-links.test.ts follows
 * every link each role is shown).
 */
import { useRouteLoaderData } from "@remix-run/react";
import type { PublicActor } from "~/modules/auth/actor";
import { roleCan, type Permission } from "~/modules/auth/permissions";

export function useCan(): (permission: Permission) => boolean {
  const data = useRouteLoaderData("root") as { actor: PublicActor | null } | undefined;
  const role = data?.actor?.role;
  return (permission) => role !== undefined && roleCan(role, permission);
}
