import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { Field, FormError, SubmitButton } from "~/components/ui/form";
import { translate, type Locale, type MessageKey } from "~/i18n";
import { SurveyAnswerSchema, SurveyLinkQuery } from "~/modules/service/service.schema.server";
import { CALLBACK_MAX_SCORE, answerSurvey, surveyView, type SurveyView } from "~/modules/service/survey.server";
import { ConflictError } from "~/utils/errors";
import { formDataToObject, zodFieldErrors } from "~/utils/http.server";
import { readForm } from "~/utils/intent.server";
import { metaLocale, pageTitle } from "~/utils/meta";
import { clientIp, localeOf } from "~/utils/request.server";
import { withAction, withLoader } from "~/utils/route";

/**
 * The satisfaction survey of a resolved service case, opened from the email's score links without
 * signing in (decision 132). GET shows the form with the clicked score chosen and records nothing (mail
 * scanners open links); POST records the answer, once. Texts are in the recipient's language.
 */
const HEADERS = { "Referrer-Policy": "no-referrer", "Cache-Control": "private, no-store" };
const SCORES = [1, 2, 3, 4, 5] as const;

type BadLink = Extract<SurveyView, { state: "invalid" | "expired" }>;
const isBad = (view: SurveyView): view is BadLink => view.state === "invalid" || view.state === "expired";

function texts(view: SurveyView, fallback: Locale) {
  const locale = isBad(view) ? fallback : view.locale;
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate(locale, k, p);
  const labels = {
    title: t("survey.title"),
    question: t("survey.question"),
    score: t("survey.score"),
    scores: SCORES.map((n) => ({ value: n, label: t(`survey.score.${n}`) })),
    commentLabel: t("survey.comment"),
    submit: t("survey.submit"),
    signIn: t("survey.signIn"),
  };
  if (isBad(view))
    return { locale, ...labels, state: view.state, caseLine: null, message: t(view.state === "expired" ? "survey.expired" : "survey.invalid"), answer: null };
  return {
    locale,
    ...labels,
    state: view.state,
    caseLine: t("survey.case", { number: view.caseNumber, subject: view.subject }),
    message: view.state === "answered" ? t("survey.alreadyAnswered") : view.state === "replaced" ? t("survey.replaced") : null,
    answer: view.answer ? t("survey.yourAnswer", { score: view.answer.score }) : null,
  };
}

/** The page itself: the token never leaves in a Referer, and no cache keeps the page. */
export const headers: HeadersFunction = () => HEADERS;

/** The tab title is in the reader's language, like the browser's chrome (the message carries its own `lang`). */
export const meta: MetaFunction<typeof loader> = ({ matches }) => [
  { title: pageTitle(metaLocale(matches), "survey.title") },
  { name: "robots", content: "noindex" },
];

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const view = await surveyView(params.token ?? "");
  const query = SurveyLinkQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const bad = isBad(view);
  return json(
    { ...texts(view, localeOf(request)), chosen: query.score ?? null, done: false, fieldErrors: {} as Record<string, string>, typed: "" },
    { status: bad ? 400 : 200, headers: HEADERS },
  );
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const token = params.token ?? "";
  const view = await surveyView(token);
  const base = texts(view, localeOf(request));
  if (isBad(view)) return json({ ...base, chosen: null, done: false, fieldErrors: {}, typed: "" }, { status: 400, headers: HEADERS });
  if (view.state !== "open") return json({ ...base, chosen: null, done: false, fieldErrors: {}, typed: "" }, { status: 409, headers: HEADERS });
  const values = formDataToObject(await readForm(request));
  const comment = typeof values.comment === "string" ? values.comment.slice(0, 2000) : "";
  const chosenRaw = Number(values.score);
  const chosen = Number.isInteger(chosenRaw) && chosenRaw >= 1 && chosenRaw <= 5 ? chosenRaw : null;
  const parsed = SurveyAnswerSchema.safeParse(values);
  if (!parsed.success)
    return json(
      {
        ...base,
        chosen,
        done: false,
        fieldErrors: zodFieldErrors(parsed.error, view.locale),
        typed: comment,
        formError: translate(view.locale, "validation.formErrors"),
      },
      { status: 400, headers: HEADERS },
    );
  try {
    const after = await answerSurvey(token, parsed.data, clientIp(request));
    const low = parsed.data.score <= CALLBACK_MAX_SCORE;
    return json(
      {
        ...texts(after, view.locale),
        message: translate(view.locale, low ? "survey.thanksLow" : "survey.thanks"),
        chosen: parsed.data.score,
        done: true,
        fieldErrors: {},
        typed: comment,
      },
      { headers: HEADERS },
    );
  } catch (err) {
    // Answered (or reopened) in the meantime: the page says so, in the recipient's language.
    if (err instanceof ConflictError) {
      const now = await surveyView(token);
      return json({ ...texts(now, view.locale), chosen: null, done: false, fieldErrors: {}, typed: "" }, { status: 409, headers: HEADERS });
    }
    throw err;
  }
});

export default function Survey() {
  const loaded = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const v = acted && "state" in acted ? acted : loaded;
  const formError = acted && "formError" in acted ? acted.formError : undefined;
  const errors: Record<string, string | undefined> = v.fieldErrors ?? {};
  const open = v.state === "open" && !v.done;
  const bad = v.state === "invalid" || v.state === "expired";
  return (
    <div className="mx-auto max-w-lg px-1 py-8 sm:py-12" lang={v.locale}>
      <div className="card space-y-4">
        <h1 className="text-xl font-semibold">{v.title}</h1>
        {v.caseLine ? <p className="text-sm text-slate-600">{v.caseLine}</p> : null}
        {v.message ? (
          <p data-testid="survey-message" className={bad ? "text-red-700" : "text-slate-700"} role={bad ? "alert" : "status"}>
            {v.message}
          </p>
        ) : null}
        {v.answer && !open ? <p className="text-sm text-slate-600">{v.answer}</p> : null}
        {open ? (
          <Form method="post" className="space-y-4" noValidate>
            <FormError message={formError} />
            <fieldset aria-describedby={errors.score ? "f-score-error" : undefined}>
              <legend className="label">{v.question}</legend>
              <div className="grid gap-2 sm:grid-cols-5" role="radiogroup" aria-label={v.score}>
                {v.scores.map((s) => (
                  <label
                    key={s.value}
                    className="flex cursor-pointer items-center gap-2 rounded-md border border-slate-300 p-2 text-sm focus-within:ring-2 focus-within:ring-blue-600 has-[:checked]:border-blue-700 has-[:checked]:bg-blue-50 sm:flex-col sm:text-center"
                  >
                    <input type="radio" name="score" value={s.value} defaultChecked={v.chosen === s.value} aria-invalid={errors.score ? true : undefined} />
                    <span>{s.label}</span>
                  </label>
                ))}
              </div>
              {errors.score ? (
                <p id="f-score-error" className="mt-1 text-sm text-red-600" role="alert">
                  {errors.score}
                </p>
              ) : null}
            </fieldset>
            <Field name="comment" label={v.commentLabel} error={errors.comment}>
              <textarea
                id="f-comment"
                name="comment"
                className="input min-h-24"
                maxLength={2000}
                defaultValue={v.typed ?? ""}
                aria-invalid={errors.comment ? true : undefined}
                aria-describedby={errors.comment ? "f-comment-error" : undefined}
              />
            </Field>
            <SubmitButton className="btn-primary">{v.submit}</SubmitButton>
          </Form>
        ) : (
          <div>
            <Link to="/login" className="btn-secondary">
              {v.signIn}
            </Link>
          </div>
        )}
      </div>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";
