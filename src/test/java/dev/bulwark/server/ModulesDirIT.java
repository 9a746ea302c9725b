package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.JarProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A module deployed as a user deploys it: examples/greet-module compiled on its own, packed as a jar into a
 * {@code modules} directory, and loaded, configured and listed by the real fat jar ({@code target/bulwark.jar}) in a
 * child JVM. Runs after {@code package} (failsafe); every wait is bounded and every child is ended.
 */
class ModulesDirIT {

  private static final String TOKEN = "modules-dir-it-0123456789abcdef";
  private static final Duration START_WAIT = Duration.ofSeconds(30);
  private static final Duration REQUEST_WAIT = Duration.ofSeconds(10);

  @TempDir
  static Path shared;
  private static Path modules;
  private static Path jar;

  @TempDir
  Path dir;

  /** Builds the example module as its own README says, without Maven: its sources against Bulwark's classes. */
  @BeforeAll
  static void buildTheExampleModule() throws Exception {
    Path example = Path.of(System.getProperty("bulwark.examplesDir", "examples"), "greet-module").toAbsolutePath();
    Path sources = example.resolve("src/main/java");
    Path services = example.resolve("src/main/resources/META-INF/services/dev.bulwark.spi.RouteModule");
    assertThat(sources).as("the example module's sources").isDirectory();
    assertThat(services).as("the example module's service file").isRegularFile();

    Path classes = Files.createDirectories(shared.resolve("classes"));
    compile(sources, classes);
    modules = Files.createDirectories(shared.resolve("modules"));
    jar = modules.resolve("greet-module.jar");
    pack(classes, services, jar);
  }

  @Test
  void aJarInModulesDirIsLoadedWithItsOwnConfigAndListed() throws Exception {
    JsonObject config = baseConfig().put("modules", new JsonObject()
        .put("dir", modules.toString())
        .put("greet", new JsonObject().put("greeting", "ahoy").put("maxNameLength", 8)));
    try (JarProcess server = JarProcess.start(dir, config)) {
      String log = server.awaitStarted();
      int httpPort = JarProcess.port(JarProcess.HTTP_PORT, log);
      int adminPort = JarProcess.port(JarProcess.ADMIN_PORT, log);
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(REQUEST_WAIT).build();

      HttpResponse<String> greet = get(client, httpPort, "/greet/ann", null);
      assertThat(greet.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(greet.body()).getString("greeting")).isEqualTo("ahoy ann");

      long begin = System.nanoTime();
      HttpResponse<String> later = get(client, httpPort, "/greet/ann/later?ms=50", null);
      long tookMs = (System.nanoTime() - begin) / 1_000_000;
      assertThat(later.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(later.body()).getString("greeting")).isEqualTo("ahoy ann");
      assertThat(tookMs).as("answered after the scoped timer").isGreaterThanOrEqualTo(50);

      HttpResponse<String> tooLong = get(client, httpPort, "/greet/annabelle", null);
      assertThat(tooLong.statusCode()).isEqualTo(400);
      assertThat(new JsonObject(tooLong.body()).getString("error")).isEqualTo("bad_parameter");

      HttpResponse<String> status = get(client, adminPort, "/admin/status", TOKEN);
      assertThat(status.statusCode()).isEqualTo(200);
      JsonArray listed = new JsonObject(status.body()).getJsonArray("modules");
      JsonObject greetModule = listed.stream().map(JsonObject.class::cast)
          .filter(m -> "greet".equals(m.getString("name"))).findFirst()
          .orElseThrow(() -> new AssertionError("greet is not in /admin/status modules: " + listed));
      assertThat(greetModule.getString("source")).isEqualTo(jar.toString());
      assertThat(greetModule.getJsonArray("routes").getList())
          .containsExactly("GET /greet/:name", "GET /greet/:name/later");

      String after = server.out();
      assertThat(after.lines()).anySatisfy(line -> assertThat(line).contains(" INFO ")
          .contains("Route module greet (" + jar + "): GET /greet/:name, GET /greet/:name/later"));
      assertThat(after.lines()).noneSatisfy(line -> assertThat(line).contains(" ERROR "));
    }
  }

  @Test
  void anUndeclaredKeyOfTheModuleStopsTheStartWithStatus2() throws Exception {
    // Found in modules/ under the working directory (the default modules.dir): only then is "typo" checked against
    // the keys the module declares.
    Path workDir = Files.createDirectories(dir.resolve("work"));
    Files.createDirectories(workDir.resolve("modules"));
    Files.copy(jar, workDir.resolve("modules").resolve(jar.getFileName()));
    JsonObject config = baseConfig().put("modules", new JsonObject()
        .put("greet", new JsonObject().put("typo", 1)));
    try (JarProcess server = JarProcess.start(workDir, config)) {
      int status = server.exitStatus(START_WAIT);
      String err = server.err();
      assertThat(status).as("exit status; stderr: %s", err).isEqualTo(2);
      assertThat(err.lines()).hasSize(1);
      assertThat(err).contains("unknown key modules.greet.typo").contains("maxNameLength")
          .doesNotContain("Exception", "\tat ");
    }
  }

  private static void compile(Path sources, Path classes) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac).as("a JDK's compiler (not a bare JRE)").isNotNull();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(sources)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(files).isNotEmpty();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      List<String> options = List.of("--release", "17", "-Xlint:all,-processing",
          "-classpath", System.getProperty("java.class.path"), "-d", classes.toString());
      boolean ok = javac.getTask(null, fm, diagnostics, options, null, fm.getJavaFileObjectsFromPaths(files)).call();
      assertThat(ok).as("the example module compiles against Bulwark: %s", diagnostics.getDiagnostics()).isTrue();
      // Warnings about the example's own code, not about Vert.x's class files (their codegen annotations are absent).
      assertThat(diagnostics.getDiagnostics()).filteredOn(d -> d.getKind() != Diagnostic.Kind.NOTE
          && d.getSource() != null && d.getSource().getKind() == JavaFileObject.Kind.SOURCE).isEmpty();
    }
  }

  private static void pack(Path classes, Path services, Path jar) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
        Stream<Path> walk = Files.walk(classes)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        add(out, classes.relativize(p).toString().replace('\\', '/'), p);
      }
      add(out, "META-INF/services/dev.bulwark.spi.RouteModule", services);
    }
  }

  private static void add(JarOutputStream out, String name, Path file) throws IOException {
    out.putNextEntry(new JarEntry(name));
    Files.copy(file, out);
    out.closeEntry();
  }

  private static JsonObject baseConfig() {
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("admin", new JsonObject().put("port", 0).put("token", TOKEN))
        // The child JVM tracks every buffer as the tests do: a leak would be an ERROR line in its log.
        .put("leaks", new JsonObject().put("nettyLevel", "PARANOID"));
  }

  private static HttpResponse<String> get(HttpClient client, int port, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(REQUEST_WAIT).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
