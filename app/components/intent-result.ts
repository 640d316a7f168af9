import { useActionData } from "@remix-run/react";

/**
 * What a multi-intent action answered (app/utils/intent.server.ts): done, with a message for the notice;
 * or failed, with the intent that failed, its form error, field errors and the values as typed.
 */
export type IntentResult = {
  ok: boolean;
  intent?: string;
  message?: string;
  formError?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, unknown>;
};

/**
 * The action's answer as a record page uses it: `done` (the notice), `failure`, and per form (intent)
 * its field errors (`errors`) and typed values (`values`), empty for every other form on the page.
 */
export function useIntentResult() {
  const result = useActionData() as IntentResult | undefined;
  const failure = result && !result.ok ? result : undefined;
  return {
    done: result?.ok ? result.message : undefined,
    failure,
    errors: (intent: string): Record<string, string> => (failure?.intent === intent ? (failure.fieldErrors ?? {}) : {}),
    values: (intent: string): Record<string, unknown> => (failure?.intent === intent ? (failure.values ?? {}) : {}),
  };
}
