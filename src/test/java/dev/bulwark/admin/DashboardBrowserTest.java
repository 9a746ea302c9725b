package dev.bulwark.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.ProjectFiles;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: Debian's headless Chromium through its own chromedriver (no Selenium Manager, no
 * download). Without the token the page shows only its login form; with it, charts whose figures follow traffic and a
 * forced pressure level; a screenshot goes to {@code target/dashboard.png}.
 */
class DashboardBrowserTest {

  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Duration WAIT = Duration.ofSeconds(15);

  private static TestServer server;
  private static Path inject;
  private static ChromeDriver browser;
  private static WebDriverWait await;

  @BeforeAll
  static void start() throws Exception {
    assertThat(Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM))
        .as("Debian's chromium and chromium-driver (scripts/test installs them)").isTrue();
    inject = Files.createTempDirectory("bulwark-dashboard").resolve("pressure");
    server = TestServer.start(new JsonObject()
        .put("memory", new JsonObject().put("injectFile", inject.toString()).put("sampleInterval", "20ms")
            .put("minDwell", "0s").put("gcProbeInterval", "0s"))
        .put("admin", new JsonObject().put("dashboardInterval", "200ms")));
    java.util.logging.Logger.getLogger("org.openqa.selenium").setLevel(Level.SEVERE); // its CDP-version notices
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).withLogOutput(java.io.OutputStream.nullOutputStream()).build();
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1500");
    options.setCapability("goog:loggingPrefs", logs);
    browser = new ChromeDriver(service, options);
    // A wait that times out says what the page logged: a script error or a CSP refusal shows there first.
    await = new WebDriverWait(browser, WAIT);
    await.withMessage(() -> "page state: " + browser.findElement(By.tagName("header")).getText()
        + "; browser console: " + browser.manage().logs().get(LogType.BROWSER).getAll());
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (inject != null) {
      Files.deleteIfExists(inject);
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void withoutTheTokenOnlyTheLoginShowsThenChartsFollowTrafficAndPressure() throws Exception {
    browser.get(adminUrl("/admin/"));
    await.until(b -> b.findElement(By.id("login-form")).isDisplayed());
    assertThat(browser.findElement(By.id("dashboard")).isDisplayed()).as("no data without a token").isFalse();
    assertThat(browser.findElement(By.id("chart-heap")).getAttribute("data-latest")).isNull();

    signIn("not-the-token-0123456789");
    await.until(b -> b.findElement(By.id("login-error")).isDisplayed());
    assertThat(browser.findElement(By.id("dashboard")).isDisplayed()).isFalse();

    String token = server.server().adminToken();
    signIn(token);
    await.until(b -> latest("chart-heap").getLong("heapUsed", 0L) > 0);
    assertThat(browser.findElements(By.cssSelector("#chart-heap svg polyline"))).isNotEmpty();
    assertThat(browser.getCurrentUrl()).doesNotContain(token);
    assertThat(browser.executeScript("return document.cookie")).isEqualTo("");

    long before = latest("chart-caches").getJsonObject("default").getLong("weightBytes");
    HttpResponse<String> put = server.client().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/cache/default/dashboard"))
        .PUT(HttpRequest.BodyPublishers.ofString("x".repeat(64 * 1024))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).isEqualTo(204);
    await.until(b -> latest("chart-caches").getJsonObject("default").getLong("weightBytes") >= before + 64 * 1024);

    Files.writeString(inject, "0.95");
    await.until(b -> "CRITICAL".equals(b.findElement(By.id("pressure-level")).getAttribute("data-level")));
    assertThat(latest("chart-pressure").getString("level")).isEqualTo("CRITICAL");
    assertThat(server.get("/hello").statusCode()).as("the main port sheds").isEqualTo(503);
    await.until(b -> latest("chart-pressure").getLong("shedCount", 0L) >= 1);

    browser.navigate().refresh(); // the admin port still serves at CRITICAL, and the tab keeps its token
    await.until(b -> b.findElement(By.id("dashboard")).isDisplayed()
        && "CRITICAL".equals(b.findElement(By.id("pressure-level")).getAttribute("data-level")));
    await.until(b -> List.of("ok", "suspected", "leaking", "off")
        .contains(b.findElement(By.id("leak-status")).getAttribute("data-status")));
    Path shot = ProjectFiles.resolve("target").resolve("dashboard.png");
    Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
    assertThat(shot).isNotEmptyFile();

    Files.delete(inject);
    await.until(b -> "NORMAL".equals(b.findElement(By.id("pressure-level")).getAttribute("data-level")));
    assertThat(pageErrors()).as("browser console: CSP violations, script errors").isEmpty();
  }

  private static void signIn(String token) {
    WebElement field = browser.findElement(By.id("token"));
    field.clear();
    field.sendKeys(token);
    browser.findElement(By.id("sign-in")).click();
  }

  /** A chart's latest figures, as the page puts them in its {@code data-latest} attribute. */
  private static JsonObject latest(String chart) {
    String json = browser.findElement(By.id(chart)).getAttribute("data-latest");
    return json == null ? new JsonObject() : new JsonObject(json);
  }

  private static String adminUrl(String path) {
    return "http://127.0.0.1:" + server.server().adminPort() + path;
  }

  /** Console errors, but the 401 the wrong token drew on purpose. */
  private static List<String> pageErrors() {
    return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage).filter(m -> !m.contains("401")).toList();
  }
}
