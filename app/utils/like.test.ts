import { describe, expect, it } from "vitest";
import { likeContains, likePrefix } from "./like";

describe("LIKE patterns from typed text", () => {
  it("take the typed %, _ and \\ literally", () => {
    expect(likeContains("100%_a\\b")).toBe("%100\\%\\_a\\\\b%");
    expect(likePrefix("AC_1")).toBe("AC\\_1%");
  });
  it("leave other characters as they are", () => {
    expect(likeContains("变频 AC")).toBe("%变频 AC%");
  });
});
