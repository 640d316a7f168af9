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
 * its form error (`formError`), field errors (`errors`) and typed values (`values`), empty for every other
 * form on the page; `field` gives one field's name, typed value and error, to spread on a form field;
 * `pageError` the error for the top of the page, of a failure that no form shows.
 */
export function useIntentResult() {
  const result = useActionData() as IntentResult | undefined;
  const failure = result && !result.ok ? result : undefined;
  const errors = (intent: string): Record<string, string> => (failure?.intent === intent ? (failure.fieldErrors ?? {}) : {});
  const values = (intent: string): Record<string, unknown> => (failure?.intent === intent ? (failure.values ?? {}) : {});
  return {
    done: result?.ok ? result.message : undefined,
    failure,
    formError: (intent: string): string | undefined => (failure?.intent === intent ? failure.formError : undefined),
    /**
     * The form error that no form of the page shows: a failure without an intent, or of an intent whose form is not
     * shown now. `shown` gives each form of the page (its intent) and whether the page shows it, so that a form
     * gone since it was sent (the record changed meanwhile) has its error shown at the top.
     */
    pageError: (shown: Record<string, boolean>): string | undefined => (failure && !(failure.intent && shown[failure.intent]) ? failure.formError : undefined),
    errors,
    values,
    field: (intent: string, name: string): { name: string; defaultValue: string | undefined; error: string | undefined } => {
      const v = values(intent)[name];
      return { name, defaultValue: v === undefined ? undefined : String(v), error: errors(intent)[name] };
    },
  };
}
