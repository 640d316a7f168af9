import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { isLocale } from "~/i18n";
import { loadMessages } from "~/i18n/load";

// The messages the page needs: its reader's language (root.tsx preloads it, error pages included) and
// any other language a page shows (a statement's printed copy). All of them first, then hydrate (decision 117).
const wanted = [...document.querySelectorAll<HTMLLinkElement>("link[data-messages]")].flatMap((link) => {
  const locale = link.dataset.messages;
  const href = link.getAttribute("href");
  return isLocale(locale) && href ? [loadMessages(locale, href)] : [];
});
void Promise.all(wanted).then(() => {
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RemixBrowser />
      </StrictMode>,
    );
  });
});
