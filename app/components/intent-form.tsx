import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { useIntentResult } from "~/components/intent-result";
import { FormError } from "~/components/ui/form";

/**
 * One of a record page's forms (its action an `intentAction`): posts `intent` with the fields, and shows the
 * form error of its own intent only, above the fields (after `help`, a line that introduces the form).
 */
export function IntentForm({
  intent,
  className,
  encType,
  help,
  testId,
  children,
}: {
  intent: string;
  className?: string;
  testId?: string;
  encType?: "multipart/form-data";
  help?: ReactNode;
  children: ReactNode;
}) {
  const result = useIntentResult();
  return (
    <Form method="post" encType={encType} className={className} noValidate data-testid={testId}>
      <input type="hidden" name="intent" value={intent} />
      {help}
      <FormError message={result.formError(intent)} />
      {children}
    </Form>
  );
}
