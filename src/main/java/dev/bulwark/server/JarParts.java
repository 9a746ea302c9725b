package dev.bulwark.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * {@code java -cp bulwark.jar dev.bulwark.server.JarParts JAR DIR}: rewrites the fat jar as {@code bulwark-1.jar},
 * {@code bulwark-2.jar}... in DIR, each with a central directory under half of G1's smallest region, which
 * {@code bin/bulwark} starts from. The JDK keeps an open jar's central directory on the heap for as long as the jar
 * is open; the fat jar's, some 630 KB, is one humongous object, to which G1 gives (and counts as used) a whole 1 MiB
 * region at any heap under 2 GiB. The first part keeps the manifest and names the others in its {@code Class-Path},
 * so {@code java -jar bulwark-1.jar} runs the same code; entries are stored, not deflated, so classes not in the
 * class-data archive load without inflating. Directory entries are left out: nothing looks them up.
 */
final class JarParts {

  /** Half of G1's smallest region (1 MiB) is the humongous threshold; a quarter of it is left for room. */
  static final int MAX_CENTRAL_DIRECTORY = 384 * 1024;
  static final String PART_PREFIX = "bulwark-";
  /** A central-directory record's fixed part, before the name, extra field and comment (the ZIP format's). */
  private static final int RECORD_HEADER = 46;

  private JarParts() {
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: java -cp bulwark.jar dev.bulwark.server.JarParts JAR DIR");
      System.exit(2);
    }
    for (Path part : write(Path.of(args[0]), Path.of(args[1]))) {
      System.out.println(part);
    }
  }

  /** Writes the parts of {@code jar} into the existing directory {@code dir}; their paths, the one to run first. */
  static List<Path> write(Path jar, Path dir) throws IOException {
    try (JarFile source = new JarFile(jar.toFile())) {
      Manifest manifest = source.getManifest();
      List<List<ZipEntry>> plan = plan(source);
      List<Path> parts = new ArrayList<>();
      for (int i = 1; i <= plan.size(); i++) {
        parts.add(dir.resolve(PART_PREFIX + i + ".jar"));
      }
      for (int i = 0; i < plan.size(); i++) {
        writePart(source, plan.get(i), i == 0 ? firstManifest(manifest, parts.subList(1, parts.size()))
            : otherManifest(manifest), parts.get(i));
      }
      return parts;
    }
  }

  /** The files of {@code source} in order, cut into runs whose central directories stay under the limit. */
  private static List<List<ZipEntry>> plan(ZipFile source) {
    List<List<ZipEntry>> plan = new ArrayList<>();
    List<ZipEntry> current = new ArrayList<>();
    long size = record(JarFile.MANIFEST_NAME);
    for (Enumeration<? extends ZipEntry> entries = source.entries(); entries.hasMoreElements();) {
      ZipEntry entry = entries.nextElement();
      if (entry.isDirectory() || entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
        continue;
      }
      long record = record(entry.getName());
      if (size + record > MAX_CENTRAL_DIRECTORY && !current.isEmpty()) {
        plan.add(current);
        current = new ArrayList<>();
        size = record(JarFile.MANIFEST_NAME);
      }
      current.add(entry);
      size += record;
    }
    plan.add(current);
    return plan;
  }

  private static long record(String name) {
    return RECORD_HEADER + name.getBytes(StandardCharsets.UTF_8).length;
  }

  /** The first part's manifest: the jar's, plus the other parts as its Class-Path. */
  private static Manifest firstManifest(Manifest original, List<Path> others) {
    Manifest manifest = original == null ? new Manifest() : new Manifest(original);
    Attributes main = manifest.getMainAttributes();
    main.putIfAbsent(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (!others.isEmpty()) {
      main.put(Attributes.Name.CLASS_PATH, String.join(" ", others.stream().map(p -> p.getFileName().toString())
          .toList()));
    }
    return manifest;
  }

  /** The other parts' manifests: only whether the jar is multi-release, which each part's entries need. */
  private static Manifest otherManifest(Manifest original) {
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    String multiRelease = original == null ? null
        : original.getMainAttributes().getValue(Attributes.Name.MULTI_RELEASE);
    if (multiRelease != null) {
      main.put(Attributes.Name.MULTI_RELEASE, multiRelease);
    }
    return manifest;
  }

  private static void writePart(ZipFile source, List<ZipEntry> entries, Manifest manifest, Path part)
      throws IOException {
    try (OutputStream file = Files.newOutputStream(part); ZipOutputStream out = new ZipOutputStream(file)) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      manifest.write(bytes);
      store(out, JarFile.MANIFEST_NAME, bytes.toByteArray(), -1);
      for (ZipEntry entry : entries) {
        try (InputStream in = source.getInputStream(entry)) {
          store(out, entry.getName(), in.readAllBytes(), entry.getTime());
        }
      }
    }
  }

  private static void store(ZipOutputStream out, String name, byte[] content, long time) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(content.length);
    entry.setCompressedSize(content.length);
    CRC32 crc = new CRC32();
    crc.update(content);
    entry.setCrc(crc.getValue());
    if (time >= 0) {
      entry.setTime(time);
    }
    out.putNextEntry(entry);
    out.write(content);
    out.closeEntry();
  }
}
