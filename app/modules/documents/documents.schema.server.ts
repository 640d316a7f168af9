import { z } from "zod";
import { LOCALES } from "~/i18n";

/** A printed document or a PDF: `?lang=` picks its language (else the reader's own). */
export const DocumentQuery = z.object({ lang: z.enum(LOCALES).optional() });
