/**
 * Cached Intl formatters. Constructing an Intl.DateTimeFormat or NumberFormat
 * costs tens of microseconds (locale data lookup); a list page formats hundreds
 * of dates and amounts, so building one per call dominated server render time
 * (profiled on /orders at benchmark scale). Formatters are immutable and safe to
 * share; the key set is small (locales × option shapes × time zones).
 */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

function keyOf(locale: string, options: object): string {
  return `${locale}|${JSON.stringify(options)}`;
}

export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = keyOf(locale, options);
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    dateFormats.set(key, f);
  }
  return f;
}

const plainNumberFormats = new Map<string, Intl.NumberFormat>();
export function numberFormat(locale: string, options?: Intl.NumberFormatOptions): Intl.NumberFormat {
  if (!options) {
    // The common case (every quantity on a page): no options, no key to build.
    let p = plainNumberFormats.get(locale);
    if (!p) plainNumberFormats.set(locale, (p = numberFormat(locale, {})));
    return p;
  }
  const key = keyOf(locale, options);
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, f);
  }
  return f;
}
