import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// Satisfaction survey and callback of service cases (issue #23, item 5): one survey per resolution of a
// case (sent to the dealer user who opened it), at most one answer per survey (the unique key), and a
// callback task for the service desk when the score is 1 or 2, recorded (who called, when, outcome)
// before the case may close. docs/decisions/132-service-survey.md, 133-service-callbacks.md
const T = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
const NOW = "DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)";

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    `CREATE TABLE service_surveys (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      case_id BIGINT NOT NULL,
      dealer_id BIGINT NOT NULL,
      user_id BIGINT NOT NULL,
      round INT NOT NULL,
      locale VARCHAR(8) NOT NULL,
      expires_at DATETIME(3) NOT NULL,
      created_at ${NOW},
      UNIQUE KEY uq_service_surveys_round (case_id, round),
      KEY ix_service_surveys_dealer (dealer_id, created_at),
      CONSTRAINT fk_service_surveys_case FOREIGN KEY (case_id) REFERENCES service_cases (id),
      CONSTRAINT fk_service_surveys_user FOREIGN KEY (user_id) REFERENCES users (id)
    ) ${T}`,
    `CREATE TABLE service_survey_answers (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      survey_id BIGINT NOT NULL,
      case_id BIGINT NOT NULL,
      score TINYINT NOT NULL,
      comment TEXT NULL,
      answered_at DATETIME(3) NOT NULL,
      UNIQUE KEY uq_service_survey_answers_survey (survey_id),
      KEY ix_service_survey_answers_case (case_id, answered_at),
      CONSTRAINT fk_service_survey_answers_survey FOREIGN KEY (survey_id) REFERENCES service_surveys (id),
      CONSTRAINT ck_service_survey_answers_score CHECK (score BETWEEN 1 AND 5)
    ) ${T}`,
    `CREATE TABLE service_callbacks (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      case_id BIGINT NOT NULL,
      survey_id BIGINT NOT NULL,
      dealer_id BIGINT NOT NULL,
      status VARCHAR(16) NOT NULL DEFAULT 'open',
      opened_at DATETIME(3) NOT NULL,
      called_by BIGINT NULL,
      called_at DATETIME(3) NULL,
      outcome TEXT NULL,
      recorded_at DATETIME(3) NULL,
      UNIQUE KEY uq_service_callbacks_survey (survey_id),
      KEY ix_service_callbacks_case (case_id, status),
      KEY ix_service_callbacks_status (status, opened_at),
      CONSTRAINT fk_service_callbacks_case FOREIGN KEY (case_id) REFERENCES service_cases (id),
      CONSTRAINT fk_service_callbacks_survey FOREIGN KEY (survey_id) REFERENCES service_surveys (id),
      CONSTRAINT fk_service_callbacks_called_by FOREIGN KEY (called_by) REFERENCES users (id)
    ) ${T}`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["service_callbacks", "service_survey_answers", "service_surveys"]) await sql.raw(`DROP TABLE IF EXISTS ${t}`).execute(db);
}
