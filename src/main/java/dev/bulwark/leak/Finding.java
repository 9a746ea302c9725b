package dev.bulwark.leak;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/** One check of the doctor: its name, how it stands, the figures it judged by, and one line of advice. */
record Finding(String check, Severity status, JsonObject evidence, String advice) {

  /** How a check stands, from best to worst; the verdict is the worst of them. */
  enum Severity {
    OK, WARN, CRITICAL;

    final String label = name().toLowerCase(Locale.ROOT);

    Severity atLeast(Severity other) {
      return compareTo(other) >= 0 ? this : other;
    }
  }

  JsonObject toJson() {
    return new JsonObject().put("check", check).put("status", status.label).put("evidence", evidence)
        .put("advice", advice);
  }
}
