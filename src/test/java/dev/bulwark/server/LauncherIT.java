package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.JarProcess;
import dev.bulwark.testing.Tmpfs;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/bulwark} as an operator runs it, on a copy of the fat jar: the first start trains and makes the class-data
 * archive, a second start uses it without training, a changed jar makes a new one, and a corrupt archive is remade
 * while the server still starts, and --make-archive only makes it. Each start is stopped with SIGTERM and must exit 0.
 */
class LauncherIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String USING = "bulwark: using class-data archive ";
  private static final String MADE = "bulwark: made class-data archive ";
  private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");
  private static final String MAPPED = "Started from class-data archive ";

  @TempDir
  Path dir;

  /** Where the launcher keeps its archives: under this test's directory unless a test picks another. */
  private Path cdsDir;

  /** The JVM the launcher runs: this test's own unless a test picks another. */
  private Path java = Path.of(System.getProperty("java.home"), "bin", "java");

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void aFirstStartMakesTheArchiveAndASecondUsesItWithoutTraining() throws Exception {
    Path jar = copyJar();
    String first = startServeAndStop(jar, "first");
    assertThat(first).contains(MADE).contains(USING);
    Path archive = onlyArchive();
    FileTime made = Files.getLastModifiedTime(archive);

    String second = startServeAndStop(jar, "second");
    assertThat(second).contains(USING + archive).doesNotContain(MADE);
    assertThat(Files.getLastModifiedTime(archive)).as("not remade").isEqualTo(made);
    assertThat(Files.readString(dir.resolve("second").resolve("out.txt"))).as("the JVM mapped it")
        .contains(MAPPED + archive);
    assertThat(archive.resolveSibling("bulwark-1.jar")).as("it runs from the jar's parts, made beside the archive")
        .isRegularFile();
  }

  @Test
  void anIdleServerStartedFromItsArchiveHoldsUnderFiveMiBOfLiveObjects() throws Exception {
    Path jar = copyJar();
    startServeAndStop(jar, "train");
    long[] live = new long[1];
    startServeAndStop(jar, "idle", process -> live[0] = liveObjectBytes(process.pid()));
    // The standing target: 5 MiB after a full GC at idle (bench/run startup measures it with fixed flags).
    assertThat(live[0]).as("bytes of live objects after a full GC").isPositive().isLessThan(5L << 20);
  }

  /** A tmpfs, or the test skipped where root may not mount one (an unprivileged container), as UploadDiskTest does. */
  private static Tmpfs mountOrSkip(String size) throws Exception {
    try {
      return Tmpfs.mount(size);
    } catch (IllegalStateException e) {
      Assumptions.abort(e.getMessage());
      throw e;
    }
  }

  /** The total of {@code jcmd PID GC.class_histogram}, which runs a full GC first: the live objects' bytes. */
  private static long liveObjectBytes(long pid) throws Exception {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
    List<String> lines = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    assertThat(jcmd.waitFor()).as(String.join("\n", lines)).isZero();
    String total = lines.stream().filter(line -> line.startsWith("Total")).findFirst().orElseThrow();
    return Long.parseLong(total.trim().split("\\s+")[2]);
  }

  @Test
  void aChangedJarMakesANewArchive() throws Exception {
    Path jar = copyJar();
    startServeAndStop(jar, "first");
    Path before = onlyArchive();
    addEntry(jar);
    String changed = startServeAndStop(jar, "changed");
    assertThat(changed).contains(MADE);
    assertThat(archives()).as("keyed by the jar's checksum").hasSize(2).contains(before);
  }

  @Test
  void aCorruptArchiveIsRemadeAndTheServerStillStarts() throws Exception {
    Path jar = copyJar();
    startServeAndStop(jar, "first");
    Path archive = onlyArchive();
    Files.write(archive, "not an archive at all".repeat(100).getBytes(StandardCharsets.US_ASCII));
    String again = startServeAndStop(jar, "corrupt");
    assertThat(again).contains("does not match its checksum file; remaking it").contains(MADE + archive)
        .contains(USING + archive);
    assertThat(Files.size(archive)).isGreaterThan(1_000_000);
  }

  @Test
  void aFlippedByteInsideTheArchiveIsCaughtByItsChecksum() throws Exception {
    Path jar = copyJar();
    startServeAndStop(jar, "first");
    Path archive = onlyArchive();
    archive.toFile().setWritable(true);
    try (var file = new java.io.RandomAccessFile(archive.toFile(), "rw")) {
      long middle = file.length() / 2;
      file.seek(middle);
      int b = file.read();
      file.seek(middle);
      file.write(b ^ 0x5a);
    }
    String again = startServeAndStop(jar, "flipped");
    assertThat(again).contains("does not match its checksum file; remaking it").contains(MADE + archive);
    assertThat(Files.readString(dir.resolve("flipped").resolve("out.txt"))).contains(MAPPED + archive);
  }

  @Test
  void twoLaunchersStartingAtOnceBothServeAndMakeOneArchive() throws Exception {
    Path jar = copyJar();
    List<String> errs = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Thread> starts = new java.util.ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (String name : List.of("twinA", "twinB")) {
      Thread start = new Thread(() -> {
        try {
          errs.add(startServeAndStop(jar, name));
        } catch (Throwable e) {
          failures.add(e);
        }
      }, name);
      starts.add(start);
      start.start();
    }
    for (Thread start : starts) {
      start.join(WAIT.toMillis() * 2);
    }
    assertThat(failures).as("both served /hello and stopped with 0").isEmpty();
    assertThat(errs).hasSize(2);
    assertThat(errs.stream().filter(err -> err.contains(MADE))).as("one made the archive").hasSizeLessThanOrEqualTo(1);
    assertThat(archives()).as("one archive for one jar, JVM and options").hasSize(1);
  }

  @Test
  void aFullDiskForTheArchiveStillStartsTheServer() throws Exception {
    Assumptions.assumeTrue(Tmpfs.whyNot() == null, Tmpfs.whyNot());
    Path jar = copyJar();
    try (Tmpfs full = mountOrSkip("30m")) { // the parts (~23 MB) fit, the archive (~26 MB) does not
      cdsDir = full.dir();
      String err = startServeAndStop(jar, "full");
      assertThat(err).contains("training run failed, starting without a class-data archive").doesNotContain(USING);
      try (Stream<Path> left = Files.list(full.dir())) {
        assertThat(left).as("nothing half-made is left").isEmpty();
      }
    }
  }

  @Test
  void makeArchiveMakesItOnceAndExitsWithoutServing() throws Exception {
    Path jar = copyJar();
    Process first = launcher(jar, dir.resolve("make"), "--make-archive").start();
    assertThat(first.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).isZero();
    assertThat(Files.readString(dir.resolve("make").resolve("err.txt"))).contains(MADE).doesNotContain(USING);
    Path archive = onlyArchive();
    Process again = launcher(jar, dir.resolve("again"), "--make-archive").start();
    assertThat(again.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(again.exitValue()).isZero();
    assertThat(Files.readString(dir.resolve("again").resolve("err.txt"))).as("already there").isEmpty();
    assertThat(onlyArchive()).isEqualTo(archive);
  }

  @Test
  void onJava25ItMakesAndStartsFromAnAotCache() throws Exception {
    Path java25 = newestJava(25);
    Assumptions.assumeTrue(java25 != null, "no JDK 25 or later in /usr/lib/jvm");
    java = java25;
    Path jar = copyJar();
    assertThat(startServeAndStop(jar, "first25")).contains(MADE).contains(USING);
    String second = startServeAndStop(jar, "second25");
    assertThat(second).contains(USING).doesNotContain(MADE);
    try (Stream<Path> dirs = Files.list(dir.resolve("cds"))) {
      Path cache = dirs.map(d -> d.resolve("archive.aot")).filter(Files::isRegularFile).findFirst().orElseThrow();
      assertThat(Files.readString(dir.resolve("second25").resolve("out.txt"))).contains(MAPPED + cache);
    }
  }

  /** The java of the newest JDK in /usr/lib/jvm of at least {@code feature}, by its release file; null if none. */
  private static Path newestJava(int feature) throws IOException {
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return null;
    }
    Path best = null;
    int bestVersion = feature - 1;
    try (Stream<Path> homes = Files.list(jvms)) {
      for (Path home : homes.toList()) {
        Path release = home.resolve("release");
        Path bin = home.resolve("bin").resolve("java");
        if (!Files.isRegularFile(release) || !Files.isExecutable(bin)) {
          continue;
        }
        Matcher version = JAVA_VERSION.matcher(Files.readString(release));
        if (version.find() && Integer.parseInt(version.group(1)) > bestVersion) {
          bestVersion = Integer.parseInt(version.group(1));
          best = bin;
        }
      }
    }
    return best;
  }

  private Path copyJar() throws IOException {
    Path fatJar = JarProcess.fatJar();
    Path jarDir = Files.createDirectories(dir.resolve("app"));
    return Files.copy(fatJar, jarDir.resolve("bulwark.jar"), StandardCopyOption.REPLACE_EXISTING);
  }

  /** Starts the launcher, awaits /hello, sends SIGTERM, checks exit 0 and no ERROR line; its stderr. */
  private String startServeAndStop(Path jar, String name) throws Exception {
    return startServeAndStop(jar, name, process -> { });
  }

  /** What a test checks of the running server, between its first answer and its stop. */
  private interface WhileServing {
    void check(Process process) throws Exception;
  }

  private String startServeAndStop(Path jar, String name, WhileServing whileServing) throws Exception {
    Path run = dir.resolve(name);
    int port = freePort();
    ProcessBuilder pb = launcher(jar, run);
    pb.environment().put("BULWARK_HTTP_PORT", Integer.toString(port));
    Process process = pb.start();
    try {
      awaitHello(process, port, run);
      whileServing.check(process);
      assertThat(process.info().command()).as("the launcher exec'd the JVM, so signals reach it")
          .hasValueSatisfying(command -> assertThat(command).endsWith("java"));
      new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).inheritIO().start().waitFor();
      assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("stopped").isTrue();
      assertThat(process.exitValue()).as("a graceful stop, even just after the first answer").isZero();
    } finally {
      process.destroyForcibly();
    }
    assertThat(Files.readString(run.resolve("out.txt")).lines()).noneMatch(line -> line.contains(" ERROR "));
    return Files.readString(run.resolve("err.txt"));
  }

  /** bin/bulwark with {@code args}, on {@code jar}, its output in {@code run}: ports, token file and grace set. */
  private ProcessBuilder launcher(Path jar, Path run, String... args) throws IOException {
    Files.createDirectories(run);
    List<String> command = new java.util.ArrayList<>(List.of(launcher().toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(run.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("BULWARK_"));
    env.put("JAVA", java.toString());
    env.put("JAVA_OPTS", "-Xmx256m");
    env.put("BULWARK_JAR", jar.toString());
    env.put("BULWARK_CDS_DIR", (cdsDir != null ? cdsDir : dir.resolve("cds")).toString());
    env.put("BULWARK_HTTP_HOST", "127.0.0.1");
    env.put("BULWARK_HTTP_PORT", Integer.toString(freePort()));
    env.put("BULWARK_ADMIN_PORT", Integer.toString(freePort()));
    env.put("BULWARK_ADMIN_TOKEN_FILE", run.resolve("admin.token").toString());
    env.put("BULWARK_SHUTDOWN_READINESS_GRACE", "0s");
    return pb.redirectOutput(run.resolve("out.txt").toFile()).redirectError(run.resolve("err.txt").toFile());
  }

  private void awaitHello(Process process, int port, Path run) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline && process.isAlive()) {
      try {
        HttpResponse<String> hello = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/hello")).build(), HttpResponse.BodyHandlers.ofString());
        if (hello.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        Thread.sleep(50); // polling a starting child process
      }
    }
    throw new AssertionError("no /hello; stderr: " + Files.readString(run.resolve("err.txt")) + "\nstdout: "
        + Files.readString(run.resolve("out.txt")));
  }

  private static Path launcher() throws IOException {
    Path fatJar = JarProcess.fatJar();
    return fatJar.getParent().getParent().resolve("bin").resolve("bulwark");
  }

  /** The archives made so far: each in a directory of its own with the parts of the jar it was made from. */
  private List<Path> archives() throws IOException {
    try (Stream<Path> dirs = Files.list(dir.resolve("cds"))) {
      return dirs.map(d -> d.resolve("archive.jsa")).filter(Files::isRegularFile).toList();
    }
  }

  private Path onlyArchive() throws IOException {
    List<Path> archives = archives();
    assertThat(archives).hasSize(1);
    return archives.get(0);
  }

  /** Rewrites {@code jar} with one more entry: still a valid jar, with another checksum. */
  private static void addEntry(Path jar) throws IOException {
    Path changed = jar.resolveSibling("changed.jar");
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(changed))) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        out.putNextEntry(new ZipEntry(entry.getName()));
        in.transferTo(out);
        out.closeEntry();
      }
      out.putNextEntry(new ZipEntry("launcher-it.txt"));
      out.write("changed".getBytes(StandardCharsets.US_ASCII));
      out.closeEntry();
    }
    Files.move(changed, jar, StandardCopyOption.REPLACE_EXISTING);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
