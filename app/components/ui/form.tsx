import { useNavigation } from "@remix-run/react";
import { useEffect, useRef, type ReactNode } from "react";

type FieldProps = {
  name: string;
  label: string;
  error?: string;
  help?: string;
  children?: ReactNode;
  /** Classes of the wrapping element (a grid cell's span), not of the input. */
  wrapperClassName?: string;
} & Omit<React.InputHTMLAttributes<HTMLInputElement>, "name">;

/** A labelled input with its error under it; the user's value is passed back via defaultValue. */
export function Field({ name, label, error, help, children, id, wrapperClassName, ...input }: FieldProps) {
  const fieldId = id ?? `f-${name}`;
  const describedBy = [error ? `${fieldId}-error` : null, help ? `${fieldId}-help` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={wrapperClassName}>
      <label htmlFor={fieldId} className="label">
        {label}
      </label>
      {children ?? <input id={fieldId} name={name} className="input" aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />}
      {help ? (
        <p id={`${fieldId}-help`} className="mt-1 text-xs text-slate-500">
          {help}
        </p>
      ) : null}
      {error ? (
        <p id={`${fieldId}-error`} className="mt-1 text-sm text-red-600" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

type SelectProps = {
  name: string;
  label: string;
  error?: string;
  /** The choices; or pass `<option>`/`<optgroup>` children instead (they follow the options). */
  options?: readonly { value: string | number; label: string }[];
  /** The label of a first, empty choice ("all", "none"); no empty choice when undefined. */
  includeEmpty?: string;
  /** Classes of the wrapping element (a grid cell's span), not of the select. */
  wrapperClassName?: string;
} & Omit<React.SelectHTMLAttributes<HTMLSelectElement>, "name">;

export function SelectField({ name, label, error, options = [], includeEmpty, id, wrapperClassName, children, ...rest }: SelectProps) {
  const fieldId = id ?? `f-${name}`;
  return (
    <div className={wrapperClassName}>
      <label htmlFor={fieldId} className="label">
        {label}
      </label>
      <select
        id={fieldId}
        name={name}
        className="input"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${fieldId}-error` : undefined}
        {...rest}
      >
        {includeEmpty !== undefined ? <option value="">{includeEmpty}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
        {children}
      </select>
      {error ? (
        <p id={`${fieldId}-error`} className="mt-1 text-sm text-red-600" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A submit button that shows pending state while its form is being sent (with JavaScript). */
export function SubmitButton({
  children,
  pendingText,
  className = "btn-primary",
  name,
  value,
  ...rest
}: { children: ReactNode; pendingText?: string } & React.ButtonHTMLAttributes<HTMLButtonElement>) {
  const nav = useNavigation();
  const pending = nav.state === "submitting" && (name === undefined || nav.formData?.get(String(name)) === String(value));
  return (
    <button type="submit" className={className} name={name} value={value} disabled={pending} aria-busy={pending || undefined} {...rest}>
      {pending && pendingText ? pendingText : children}
    </button>
  );
}

export function FormError({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700">
      {message}
    </div>
  );
}

export function Notice({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <div role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
      {message}
    </div>
  );
}

/**
 * With JavaScript, a refused form lands the reader on what to fix: when a submission (not a GET)
 * comes back and the page marks a field invalid (aria-invalid, as Field and SelectField do for a
 * field error, whether a parse failure or a domain rule named the field), the first such field in
 * the main content gets the focus. Called once, by the root route, so every form behaves alike.
 * Without JavaScript the re-rendered page carries the same marks and messages next to each field.
 */
export function useFocusFirstInvalid() {
  const nav = useNavigation();
  const submitted = useRef(false);
  useEffect(() => {
    if (nav.state !== "idle") {
      if (nav.formMethod && nav.formMethod.toUpperCase() !== "GET") submitted.current = true;
      return;
    }
    if (!submitted.current) return;
    submitted.current = false;
    const first = document.querySelector<HTMLElement>('main [aria-invalid="true"]');
    if (first && !first.contains(document.activeElement)) first.focus();
  }, [nav.state, nav.formMethod]);
}

/**
 * A labelled textarea (id `f-<name>`) with its help and error under it, marked for assistive technology. `className`
 * adds to the textarea's classes (a minimum height, a font); `wrapperClassName` is the wrapper's (a grid cell's span).
 */
export function TextAreaField({
  name,
  label,
  error,
  help,
  rows = 3,
  className,
  wrapperClassName,
  ...textarea
}: {
  name: string;
  label: string;
  defaultValue?: string;
  error?: string;
  help?: string;
  rows?: number;
  /** The server's limit, where it has one. */
  maxLength?: number;
  className?: string;
  wrapperClassName?: string;
} & Omit<React.TextareaHTMLAttributes<HTMLTextAreaElement>, "id" | "name" | "defaultValue">) {
  const id = `f-${name}`;
  const describedBy = [error ? `${id}-error` : null, help ? `${id}-help` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={wrapperClassName}>
      <label htmlFor={id} className="label">
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        rows={rows}
        className={className ? `input ${className}` : "input"}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...textarea}
      />
      {help ? (
        <p id={`${id}-help`} className="mt-1 text-xs text-slate-500">
          {help}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-600" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A group of checkboxes sharing one name (a multi-choice), with an optional help line and its error. */
export function CheckboxGroup({
  name,
  legend,
  options,
  checked,
  help,
  error,
}: {
  name: string;
  legend: string;
  options: { value: string; label: string }[];
  checked: readonly string[];
  help?: string;
  error?: string;
}) {
  return (
    <fieldset>
      <legend className="label">{legend}</legend>
      <div className="flex flex-wrap gap-x-4 gap-y-1">
        {options.map((o) => (
          <label key={o.value} className="inline-flex items-center gap-1 text-sm">
            <input type="checkbox" name={name} value={o.value} defaultChecked={checked.includes(o.value)} />
            {o.label}
          </label>
        ))}
      </div>
      {help ? <p className="mt-1 text-xs text-slate-500">{help}</p> : null}
      {error ? (
        <p className="mt-1 text-sm text-red-600" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
