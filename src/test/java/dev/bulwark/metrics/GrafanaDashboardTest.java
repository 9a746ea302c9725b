package dev.bulwark.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.ProjectFiles;
import dev.bulwark.testing.PromQlMetricNames;
import dev.bulwark.testing.Promtool;
import dev.bulwark.testing.RedisProcess;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/grafana/bulwark.json is a dashboard Grafana can import whose every query parses as PromQL and names only
 * metrics a real scrape has (a server with Redis behind it, after traffic), and the alert rules name only such metrics
 * too: a renamed meter fails here, not on someone's empty panel or silent alert.
 */
class GrafanaDashboardTest {

  private static final Path DASHBOARD = ProjectFiles.resolve("deploy/grafana/bulwark.json");
  private static final String DATASOURCE = "${DS_PROMETHEUS}";
  /** Series Prometheus itself makes from the rules: not in any scrape, there once the rules are loaded. */
  private static final Set<String> FROM_PROMETHEUS = Set.of("ALERTS");
  private static final Pattern SAMPLE_NAME = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", Pattern.MULTILINE);
  private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((?:([a-zA-Z_:][\\w:]*)(\\{[^}]*})?,)?");

  private static RedisProcess redis;
  private static TestServer server;
  private static JsonObject dashboard;

  @BeforeAll
  static void start() throws Exception {
    dashboard = new JsonObject(Files.readString(DASHBOARD));
    redis = RedisProcess.start();
    server = TestServer.start(new JsonObject().put("redis", new JsonObject().put("url", redis.url())));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    redis.close();
  }

  @Test
  void theDashboardIsImportableWithATemplatedPrometheusAndAnInstanceVariable() {
    assertThat(dashboard.getInteger("schemaVersion")).isBetween(36, 41);
    assertThat(dashboard.getString("uid")).isEqualTo("bulwark");
    JsonArray variables = dashboard.getJsonObject("templating").getJsonArray("list");
    JsonObject datasource = variables.getJsonObject(0);
    assertThat(datasource.getString("name")).isEqualTo("DS_PROMETHEUS");
    assertThat(datasource.getString("type")).isEqualTo("datasource");
    assertThat(datasource.getString("query")).isEqualTo("prometheus");
    assertThat(variables.stream().map(v -> ((JsonObject) v).getString("name"))).contains("instance");
    Set<Integer> ids = new HashSet<>();
    for (JsonObject panel : panels()) {
      assertThat(ids.add(panel.getInteger("id"))).as("panel id %s unique", panel.getInteger("id")).isTrue();
      assertThat(panel.getJsonObject("gridPos").fieldNames()).contains("x", "y", "w", "h");
      if (!panel.getString("type").equals("row")) {
        assertThat(panel.getJsonObject("datasource").getString("uid")).as(panel.getString("title"))
            .isEqualTo(DATASOURCE);
        assertThat(panel.getJsonArray("targets")).as(panel.getString("title")).isNotEmpty();
      }
    }
    assertThat(panels()).hasSizeGreaterThanOrEqualTo(15);
  }

  @Test
  void everyPanelQueryParsesAsPromQl() throws Exception {
    // promtool check rules parses each expr; Grafana's variables replaced by what Grafana would put there.
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    int n = 0;
    for (String expr : panelExprs().keySet()) {
      String promql = expr.replace("$__rate_interval", "5m").replaceAll("\\$\\w+", ".*");
      rules.append("      - record: dashboard_query_").append(n++).append("\n        expr: '")
          .append(promql.replace("'", "''")).append("'\n");
    }
    Path file = Files.createTempFile("bulwark-dashboard", ".rules.yml");
    try {
      Files.writeString(file, rules);
      assertThat(Promtool.run(null, "check", "rules", file.toString())).contains("SUCCESS: " + n + " rules found");
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void everyMetricTheDashboardQueriesIsInAScrapeAfterTraffic() throws Exception {
    Set<String> scraped = scrapeAfterTraffic();
    Map<String, Set<String>> missing = new TreeMap<>();
    panelExprs().forEach((expr, title) -> PromQlMetricNames.of(expr).stream()
        .filter(name -> !scraped.contains(name) && !FROM_PROMETHEUS.contains(name))
        .forEach(name -> missing.computeIfAbsent(name, k -> new TreeSet<>()).add(title)));
    for (Object variable : dashboard.getJsonObject("templating").getJsonArray("list")) {
      Matcher m = LABEL_VALUES.matcher(((JsonObject) variable).getString("definition", ""));
      if (m.find() && m.group(1) != null && !scraped.contains(m.group(1))) {
        missing.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add("variable " + ((JsonObject) variable)
            .getString("name"));
      }
    }
    assertThat(panelExprs()).hasSizeGreaterThanOrEqualTo(20);
    assertThat(missing).as("metrics the dashboard queries that the scrape lacks (name: panels)").isEmpty();
  }

  @Test
  void everyMetricTheAlertRulesQueryIsInTheScrape() throws Exception {
    Set<String> scraped = scrapeAfterTraffic();
    Set<String> recorded = new TreeSet<>();
    List<String> exprs = new ArrayList<>();
    for (Map<String, Object> rule : AlertRulesTest.rules(AlertRulesTest.RULES)) {
      if (rule.containsKey("record")) {
        recorded.add((String) rule.get("record"));
      }
      exprs.add((String) rule.get("expr"));
    }
    Set<String> used = new TreeSet<>();
    exprs.forEach(e -> used.addAll(PromQlMetricNames.of(e)));
    used.removeAll(recorded);
    assertThat(used).contains("bulwark_memory_pressure_level", "bulwark_shed_total", "bulwark_leak_status",
        "bulwark_pool_rejections_total", "bulwark_pool_timeouts_total", "bulwark_scope_limit_breaches_total",
        "bulwark_health_status", "http_server_requests_seconds_bucket");
    assertThat(scraped).containsAll(used);
  }

  @Test
  void theNameReaderKeepsMetricsAndDropsFunctionsLabelsStringsAndVariables() {
    assertThat(PromQlMetricNames.of("histogram_quantile(0.99, sum by (route, le) "
        + "(rate(http_server_requests_seconds_bucket{route=~\"$route\",instance=~\"$instance\"}[$__rate_interval])))"))
        .containsExactly("http_server_requests_seconds_bucket");
    assertThat(PromQlMetricNames.of("sum(rate(a_total{x=\"y z\"}[5m])) by (reason) / on(instance) group_left(pool) "
        + "b_bytes > bool 1e3 unless c offset 5m"))
        .containsExactly("a_total", "b_bytes", "c");
    assertThat(PromQlMetricNames.of("max_over_time(level:recorded:rate5m[1h:1m]) or vector(0)"))
        .containsExactly("level:recorded:rate5m");
  }

  /** Each panel query's expr, with the title of a panel that has it. */
  private static Map<String, String> panelExprs() {
    Map<String, String> exprs = new TreeMap<>();
    for (JsonObject panel : panels()) {
      for (Object target : panel.getJsonArray("targets", new JsonArray())) {
        exprs.put(((JsonObject) target).getString("expr"), panel.getString("title"));
      }
    }
    return exprs;
  }

  /** Top-level panels and those inside collapsed rows. */
  private static List<JsonObject> panels() {
    List<JsonObject> all = new ArrayList<>();
    for (Object p : dashboard.getJsonArray("panels")) {
      all.add((JsonObject) p);
      ((JsonObject) p).getJsonArray("panels", new JsonArray()).forEach(inner -> all.add((JsonObject) inner));
    }
    return all;
  }

  /** The metric names of a scrape taken after requests that make every family appear (Redis, caches, errors). */
  private static Set<String> scrapeAfterTraffic() throws Exception {
    for (String path : new String[] {"/hello", "/cache/default/absent", "/no/such/route", "/demo/slow?ms=1"}) {
      server.get(path);
    }
    server.client().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/cache/default/k"))
        .PUT(HttpRequest.BodyPublishers.ofString("v")).build(), HttpResponse.BodyHandlers.discarding());
    assertThat(server.get("/cache/default/k").statusCode()).isEqualTo(200);
    assertThat(server.post("/db/counters/dashboard/incr", "").statusCode()).isEqualTo(200);
    Set<String> names = new TreeSet<>();
    Matcher m = SAMPLE_NAME.matcher(server.get("/metrics").body());
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }
}
