import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { DEFAULT_LOCALE, isLocale } from "~/i18n";
import { loadMessages, plainMessagesHref } from "~/i18n/load";

// The page's language (root.tsx writes it on <html> and preloads its messages, error pages included):
// its messages first, then hydrate (decision 117).
const lang = document.documentElement.lang;
const locale = isLocale(lang) ? lang : DEFAULT_LOCALE;
const href = document.getElementById("dd-messages")?.getAttribute("href") ?? plainMessagesHref(locale);
void loadMessages(locale, href).then(() => {
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RemixBrowser />
      </StrictMode>,
    );
  });
});
