package dev.bulwark.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.ProjectFiles;
import dev.bulwark.testing.Promtool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/prometheus/bulwark-rules.yml as Prometheus reads it: {@code promtool check rules} accepts it, and its unit
 * tests ({@code promtool test rules}) pass and cover every alert, each with a case that fires it and one that must
 * not. That the rules name only metrics Bulwark really exports is {@link GrafanaDashboardTest}'s, on a real scrape.
 */
class AlertRulesTest {

  static final Path RULES = ProjectFiles.resolve("deploy/prometheus/bulwark-rules.yml");
  private static final Path RULE_TESTS = ProjectFiles.resolve("deploy/prometheus/bulwark-rules.test.yml");

  @Test
  void promtoolCheckRulesAcceptsTheRules() throws Exception {
    assertThat(Promtool.run(null, "check", "rules", RULES.toString())).contains("SUCCESS");
  }

  @Test
  void promtoolTestRulesPasses() throws Exception {
    assertThat(Promtool.run(null, "test", "rules", RULE_TESTS.toString())).contains("SUCCESS");
  }

  @Test
  void everyAlertHasACaseThatFiresItAndOneThatMustStaySilent() throws Exception {
    Set<String> alerts = new TreeSet<>();
    for (Map<String, Object> rule : rules(RULES)) {
      if (rule.containsKey("alert")) {
        alerts.add((String) rule.get("alert"));
        assertThat(map(rule.get("labels"))).as("%s labels", rule.get("alert")).containsKey("severity");
        assertThat(map(rule.get("annotations"))).as("%s annotations", rule.get("alert"))
            .containsKeys("summary", "description");
      }
    }
    Set<String> fired = new TreeSet<>();
    Set<String> silent = new TreeSet<>();
    for (Map<String, Object> test : list(load(RULE_TESTS).get("tests"))) {
      for (Map<String, Object> check : list(test.getOrDefault("alert_rule_test", List.of()))) {
        List<Map<String, Object>> expected = list(check.get("exp_alerts"));
        String alert = (String) check.get("alertname");
        (expected.isEmpty() ? silent : fired).add(alert);
        expected.forEach(e -> assertThat(map(e.get("exp_annotations"))).as("%s annotations checked", alert)
            .containsKeys("summary", "description"));
      }
    }
    assertThat(alerts).hasSizeGreaterThanOrEqualTo(7);
    assertThat(fired).as("alerts with a case that fires them").isEqualTo(alerts);
    assertThat(silent).as("alerts with a case where they must not fire").isEqualTo(alerts);
  }

  /** Every rule (alerting and recording) of every group. */
  static List<Map<String, Object>> rules(Path file) throws IOException {
    return list(load(file).get("groups")).stream().flatMap(g -> list(g.get("rules")).stream()).toList();
  }

  private static Map<String, Object> load(Path file) throws IOException {
    return new Yaml().load(Files.readString(file));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object yaml) {
    return (List<Map<String, Object>>) yaml;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object yaml) {
    return (Map<String, Object>) yaml;
  }
}
