/**
 * Links that render as plain anchors (decision 075).
 *
 * Remix's <Link> resolves its `to` against the route matches, sets up prefetch
 * behaviour and builds a click handler, in every render of every link: on a list
 * page with a hundred links that was about a third of the server's render time.
 * Our links are always absolute paths or a query on the current page, which the
 * browser resolves exactly as the router would, so the server renders a plain
 * <a href> marked `data-nav`, and one click listener on the document (installed
 * by the root route, `useClientNavigation`) turns a plain left click on a marked
 * link into a client-side navigation, as <Link> did. Without JavaScript, or with
 * a modifier key, the browser follows the link itself.
 */
import { useLocation, useNavigate } from "@remix-run/react";
import { useEffect, type AnchorHTMLAttributes, type ReactNode } from "react";

export type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "href"> & {
  /** An absolute path ("/orders/SO-…") or a query on the current page ("?page=2"). */
  to: string;
  /** Replace the current history entry instead of pushing one. */
  replace?: boolean;
  /** A full document load (downloads, pages that must start fresh). */
  reloadDocument?: boolean;
  /** Keep the scroll position after the navigation. */
  preventScrollReset?: boolean;
};

export function Link({ to, replace, reloadDocument, preventScrollReset, ...rest }: LinkProps) {
  if (reloadDocument) return <a href={to} {...rest} />;
  const mode = replace ? (preventScrollReset ? "replace keep-scroll" : "replace") : preventScrollReset ? "keep-scroll" : "";
  return <a href={to} data-nav={mode} {...rest} />;
}

export type NavLinkProps = Omit<LinkProps, "className" | "children"> & {
  /** Active only on exactly this path (otherwise also on the paths below it). */
  end?: boolean;
  className?: string | ((state: { isActive: boolean }) => string);
  children?: ReactNode;
};

/** A link that knows whether it points at the current page (aria-current="page"). */
export function NavLink({ to, end, className, ...rest }: NavLinkProps) {
  const { pathname } = useLocation();
  const isActive = isActivePath(pathname, to, end === true);
  return (
    <Link to={to} className={typeof className === "function" ? className({ isActive }) : className} aria-current={isActive ? "page" : undefined} {...rest} />
  );
}

/** React Router's rule: the same path, or (unless `end`) a path below it. */
export function isActivePath(pathname: string, to: string, end: boolean): boolean {
  const target = to.length > 1 && to.endsWith("/") ? to.slice(0, -1) : to;
  if (pathname === target) return true;
  if (end) return false;
  if (target === "/") return false;
  return pathname.startsWith(target) && pathname.charAt(target.length) === "/";
}

/** What a click on a marked link should do: a client navigation to `path`, or nothing (the browser's default). */
export function clientNavigationFor(
  e: Pick<MouseEvent, "button" | "metaKey" | "altKey" | "ctrlKey" | "shiftKey" | "defaultPrevented">,
  anchor: Pick<HTMLAnchorElement, "href" | "target" | "hasAttribute" | "getAttribute"> | null,
  current: { origin: string; href: string },
): { path: string; replace: boolean; preventScrollReset: boolean } | null {
  if (!anchor || e.defaultPrevented || e.button !== 0 || e.metaKey || e.altKey || e.ctrlKey || e.shiftKey) return null;
  const mode = anchor.getAttribute("data-nav");
  if (mode === null || anchor.hasAttribute("download")) return null;
  if (anchor.target && anchor.target !== "_self") return null;
  const url = new URL(anchor.href, current.href);
  if (url.origin !== current.origin) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  const here = new URL(current.href);
  const same = path === `${here.pathname}${here.search}${here.hash}`;
  const words = mode.split(" ");
  return { path, replace: words.includes("replace") || same, preventScrollReset: words.includes("keep-scroll") };
}

/** Installs the document's one click listener for marked links (call once, in the root route). */
export function useClientNavigation() {
  const navigate = useNavigate();
  useEffect(() => {
    function onClick(e: MouseEvent) {
      const target = e.target instanceof Element ? e.target.closest("a[data-nav]") : null;
      const nav = clientNavigationFor(e, target as HTMLAnchorElement | null, window.location);
      if (!nav) return;
      e.preventDefault();
      navigate(nav.path, { replace: nav.replace, preventScrollReset: nav.preventScrollReset });
    }
    document.addEventListener("click", onClick);
    return () => document.removeEventListener("click", onClick);
  }, [navigate]);
}
