import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The usual order (files that failed last time first, then the slowest), except that the whole-portal browser
 * check starts first: it is one long file, and started last it would run alone at the end and lengthen the run.
 */
export default class PortalFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const first = (f: TestSpecification) => (f.moduleId.endsWith("tests/e2e/portal.test.ts") ? 0 : 1);
    return [...sorted].sort((a, b) => first(a) - first(b));
  }
}
