package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.bulwark.config.ModuleSource;
import dev.bulwark.testing.ProjectFiles;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Every example config a user copies loads as {@code --print-config} loads it ({@code Main}'s own command,
 * in-process) and exits 0: {@code conf/examples/*.json} and each JSON file a Kubernetes manifest in {@code deploy/}
 * embeds (the ConfigMap). A key renamed or removed, a value out of range or budgets that no longer fit fail here, not
 * on a user's machine. The files are found by listing the directories, so a new example is checked without a line
 * here. They load in this JVM (-Xmx512m, the pom's argLine): each must fit a 512 MiB heap, the smallest the deploy
 * files give (the 1Gi pod at MaxRAMPercentage=50).
 */
class DeployExamplesTest {

  @TempDir
  Path dir;

  @TestFactory
  Stream<DynamicTest> everyExampleConfigLoadsWithExitStatus0() throws IOException {
    List<Path> examples;
    try (Stream<Path> files = Files.list(ProjectFiles.resolve("conf/examples"))) {
      examples = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(examples).as("example configs in conf/examples").isNotEmpty();
    return examples.stream().map(file -> dynamicTest(file.getFileName().toString(), () -> assertLoads(file)));
  }

  @TestFactory
  Stream<DynamicTest> everyConfigTheKubernetesManifestsEmbedLoadsWithExitStatus0() throws IOException {
    List<Path> manifests;
    try (Stream<Path> files = Files.walk(ProjectFiles.resolve("deploy"))) {
      manifests = files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
    }
    assertThat(manifests).as("Kubernetes manifests in deploy/").isNotEmpty();
    List<Path> embedded = new ArrayList<>();
    for (Path manifest : manifests) {
      for (Map<?, ?> configMap : configMaps(manifest)) {
        if (configMap.get("data") instanceof Map<?, ?> data) {
          for (Map.Entry<?, ?> entry : data.entrySet()) {
            if (entry.getKey().toString().endsWith(".json")) {
              embedded.add(Files.writeString(dir.resolve(manifest.getFileName() + "-" + entry.getKey()),
                  entry.getValue().toString()));
            }
          }
        }
      }
    }
    assertThat(embedded).as("JSON configs in the ConfigMaps of deploy/").isNotEmpty();
    return embedded.stream().map(file -> dynamicTest(file.getFileName().toString(), () -> assertLoads(file)));
  }

  /** The ConfigMaps among the documents of {@code manifest}; every document must parse as YAML. */
  private static List<Map<?, ?>> configMaps(Path manifest) throws IOException {
    List<Map<?, ?>> found = new ArrayList<>();
    try {
      for (Object document : new Yaml().loadAll(Files.readString(manifest))) {
        if (document instanceof Map<?, ?> map && "ConfigMap".equals(map.get("kind"))) {
          found.add(map);
        }
      }
    } catch (YAMLException e) {
      throw new AssertionError(manifest + " is not valid YAML: " + e.getMessage(), e);
    }
    return found;
  }

  /** {@code --config file --print-config}, with no {@code BULWARK_*} variables: status 0, the config, no error. */
  private static void assertLoads(Path file) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Main.Outcome outcome = Main.command(new String[] {"--config", file.toString(), "--print-config"}, Map.of(),
        ModuleSource.NONE, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String errors = err.toString(StandardCharsets.UTF_8);
    assertThat(outcome.exitStatus()).as(file + ": " + errors).isZero();
    assertThat(errors).as("stderr").isEmpty();
    assertThat(new JsonObject(out.toString(StandardCharsets.UTF_8))).as("the effective config").isNotEmpty();
  }
}
