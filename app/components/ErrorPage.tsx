import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Link } from "~/components/link";
import { useT } from "~/i18n/react";

/** 403/404/409/500/503 pages in the user's language; used by every route's ErrorBoundary. */
export function ErrorPage() {
  const error = useRouteError();
  const t = useT();
  let status = 500;
  let message: string | undefined;
  if (isRouteErrorResponse(error)) {
    status = error.status;
    const data = error.data as { message?: string } | string | undefined;
    message = typeof data === "object" && data?.message ? data.message : undefined;
  }
  const title =
    status === 403
      ? t("error.403.title")
      : status === 404
        ? t("error.404.title")
        : status === 409
          ? t("error.409.title")
          : status === 503
            ? t("error.503.title")
            : status >= 500
              ? t("error.500.title")
              : t("error.title");
  const fallback =
    status === 400
      ? t("error.400")
      : status === 403
        ? t("error.403")
        : status === 404
          ? t("error.404")
          : status === 409
            ? t("error.409")
            : status === 429
              ? t("error.429")
              : status === 503
                ? t("error.503")
                : t("error.500");
  return (
    <div className="mx-auto max-w-xl py-16 text-center" data-status={status} data-error-page="">
      <p className="text-sm font-semibold text-brand-600">{status}</p>
      <h1 className="mt-2 text-2xl font-semibold">{title}</h1>
      <p className="mt-3 text-slate-600">{status >= 500 && status !== 503 ? fallback : (message ?? fallback)}</p>
      <Link to="/" className="btn-primary mt-6">
        {t("error.goHome")}
      </Link>
    </div>
  );
}

/** A route's ErrorBoundary, the same on every route: `export { ErrorBoundary } from "~/components/ErrorPage";`. */
export function ErrorBoundary() {
  return <ErrorPage />;
}
