import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ClientLoaderFunctionArgs } from "@remix-run/react";
import { json } from "@remix-run/node";
import { Form, Links, Meta, Outlet, Scripts, ScrollRestoration, useLocation, useRouteLoaderData } from "@remix-run/react";
import { Link, NavLink, useClientNavigation } from "~/components/link";
import { useEffect, useRef, type ReactNode } from "react";
import { ErrorPage } from "~/components/ErrorPage";
import { useFocusFirstInvalid } from "~/components/ui/form";
import { ADMIN_NAV, NAV, navFor } from "~/components/nav";
import { DEFAULT_LOCALE, LOCALES, translate, type Locale } from "~/i18n";
import { loadMessages, plainMessagesHref } from "~/i18n/load";
import { messagesHref } from "~/i18n/messages.server";
import { useT } from "~/i18n/react";
import { toPublicActor, type PublicActor } from "~/modules/auth/actor";
import { getActor } from "~/modules/auth/auth.server";
import { env } from "~/utils/env.server";
import { localeOf } from "~/utils/request.server";
import { withLoader } from "~/utils/route";
import { useNonce } from "./nonce";
import stylesheet from "./tailwind.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

/** A page without its own title (none today: app/utils/meta.test.ts checks) is named by the application alone. */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: translate(data?.locale ?? DEFAULT_LOCALE, "app.name") }];

// Wrapped like every page loader: a database connection lost while reading the session is a 503
// ("try again"), not a crash page (tests/cluster/galera.test.ts, a node killed under load).
export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await getActor(request);
  const locale = localeOf(request);
  return json({
    locale,
    businessTz: env().BUSINESS_TZ,
    actor: actor ? toPublicActor(actor) : null,
    appName: translate(locale, "app.name"),
    messages: messagesHref(locale),
  });
});

/**
 * In the browser, after the first render: the root data from the server, and the messages of its
 * language if the page is not holding them yet (the reader switched language, in the header or in
 * settings), before anything renders in it (decision 117).
 */
export async function clientLoader({ serverLoader }: ClientLoaderFunctionArgs) {
  const data = await serverLoader<typeof loader>();
  await loadMessages(data.locale, data.messages);
  return data;
}

type RootData = { locale: Locale; actor: PublicActor | null; appName: string; messages: string } | undefined;

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData("root") as RootData;
  const nonce = useNonce();
  const locale = data?.locale ?? "zh-CN";
  // Set once React has committed what the page shows (the page, or an error page after a crash): the
  // browser checks read the page after it (tests/e2e/portal-check.ts).
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
        {/* This page's messages, fetched while the page loads; entry.client waits for them before hydrating (decision 117). */}
        <link id="dd-messages" rel="preload" as="fetch" crossOrigin="anonymous" href={data?.messages ?? plainMessagesHref(locale)} data-messages={locale} />
      </head>
      <body className="min-h-screen">
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

function LanguageSwitcher({ current }: { current: Locale }) {
  const t = useT();
  const location = useLocation();
  return (
    <Form method="post" action="/locale" className="flex items-center gap-1" aria-label={t("lang.label")}>
      <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
      {LOCALES.map((l) => (
        <button
          key={l}
          type="submit"
          name="locale"
          value={l}
          lang={l}
          aria-pressed={l === current}
          className={`rounded px-2 py-1 text-xs ${l === current ? "bg-white/20 font-semibold text-white" : "text-brand-100 hover:text-white"}`}
        >
          {t(`lang.${l}` as "lang.en")}
        </button>
      ))}
    </Form>
  );
}

function Shell({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData("root") as RootData;
  const t = useT();
  const actor = data?.actor ?? null;
  const locale = data?.locale ?? "zh-CN";
  const main = actor ? navFor(actor.role, NAV) : [];
  const admin = actor ? navFor(actor.role, ADMIN_NAV) : [];
  const linkClass = ({ isActive }: { isActive: boolean }) =>
    `block rounded-md px-3 py-2 text-sm ${isActive ? "bg-brand-50 font-semibold text-brand-700" : "text-slate-700 hover:bg-slate-100"}`;
  return (
    <>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        {t("nav.skip")}
      </a>
      <header className="no-print bg-brand-900 text-white">
        <div className="mx-auto flex max-w-screen-2xl items-center justify-between gap-4 px-4 py-3">
          <Link to="/" className="flex items-center gap-2 font-semibold">
            <span aria-hidden="true" className="inline-block h-6 w-6 rounded bg-brand-500" />
            {t("app.name")}
          </Link>
          <div className="flex items-center gap-4">
            <LanguageSwitcher current={locale} />
            {actor ? (
              <div className="hidden items-center gap-3 text-sm sm:flex">
                <Link to="/settings" className="text-brand-100 hover:text-white" data-testid="user-name">
                  {actor.name} · {t(`role.${actor.role}` as "role.admin")}
                </Link>
                <Form method="post" action="/logout">
                  <button type="submit" className="rounded border border-white/30 px-2 py-1 text-xs hover:bg-white/10">
                    {t("nav.signOut")}
                  </button>
                </Form>
              </div>
            ) : null}
          </div>
        </div>
      </header>
      {actor ? (
        <div className="mx-auto flex max-w-screen-2xl flex-col gap-6 px-4 py-6 md:flex-row">
          <nav aria-label={t("nav.menu")} className="no-print md:w-56 md:shrink-0">
            <PhoneMenu label={t("nav.menu")}>
              <NavList items={main} admin={admin} linkClass={linkClass} />
            </PhoneMenu>
            <div className="hidden md:block">
              <NavList items={main} admin={admin} linkClass={linkClass} />
            </div>
          </nav>
          <main id="main" className="min-w-0 flex-1">
            {children}
          </main>
        </div>
      ) : (
        <main id="main" className="mx-auto max-w-7xl px-4 py-6">
          {children}
        </main>
      )}
    </>
  );
}

/**
 * The menu on a phone: a native disclosure (it opens and closes without JavaScript), closed again once a
 * link in it has taken the reader to another page (a client-side navigation keeps the element as it was).
 */
function PhoneMenu({ label, children }: { label: string; children: ReactNode }) {
  const ref = useRef<HTMLDetailsElement>(null);
  const location = useLocation();
  useEffect(() => {
    if (ref.current) ref.current.open = false;
  }, [location.key]);
  return (
    <details ref={ref} className="md:hidden card" data-testid="phone-menu">
      <summary className="cursor-pointer text-sm font-medium">{label}</summary>
      {children}
    </details>
  );
}

function NavList({
  items,
  admin,
  linkClass,
}: {
  items: ReturnType<typeof navFor>;
  admin: ReturnType<typeof navFor>;
  linkClass: (a: { isActive: boolean }) => string;
}) {
  const t = useT();
  return (
    <div className="space-y-4 py-2">
      <ul className="space-y-1">
        {items.map((i) => (
          <li key={i.to}>
            <NavLink to={i.to} end={i.to === "/"} className={linkClass}>
              {t(i.label)}
            </NavLink>
          </li>
        ))}
        {/* On a phone the header has no room for the account: settings and sign-out are in the menu. */}
        <li className="sm:hidden">
          <NavLink to="/settings" className={linkClass}>
            {t("nav.settings")}
          </NavLink>
        </li>
        <li className="sm:hidden">
          <Form method="post" action="/logout">
            <button type="submit" className={`${linkClass({ isActive: false })} w-full text-left`} data-testid="menu-sign-out">
              {t("nav.signOut")}
            </button>
          </Form>
        </li>
      </ul>
      {admin.length ? (
        <div>
          <p className="px-3 text-xs font-semibold uppercase tracking-wide text-slate-500">{t("nav.admin")}</p>
          <ul className="mt-1 space-y-1">
            {admin.map((i) => (
              <li key={i.to}>
                <NavLink to={i.to} className={linkClass}>
                  {t(i.label)}
                </NavLink>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

export default function App() {
  useClientNavigation();
  useFocusFirstInvalid();
  return (
    <Shell>
      <Outlet />
    </Shell>
  );
}

export function ErrorBoundary() {
  useClientNavigation();
  return (
    <Shell>
      <ErrorPage />
    </Shell>
  );
}
