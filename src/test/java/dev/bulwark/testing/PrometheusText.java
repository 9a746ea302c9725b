package dev.bulwark.testing;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4): every line is a HELP, a TYPE or a sample;
 * names and labels are well formed; each family is typed once, before its samples; values are numbers.
 */
public final class PrometheusText {

  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
  private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
  private static final Pattern SAMPLE = Pattern.compile(
      "(" + NAME + ")(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})? "
          + "(-?[0-9.eE+-]+|NaN|[+-]Inf)( -?[0-9]+)?");

  private PrometheusText() {
  }

  /** The number of samples; throws with the offending line if the text is not valid exposition. */
  public static int validate(String text) {
    Set<String> typed = new HashSet<>();
    int samples = 0;
    int lineNo = 0;
    for (String line : text.split("\n", -1)) {
      lineNo++;
      if (line.isEmpty()) {
        continue;
      }
      Matcher type = TYPE.matcher(line);
      if (type.matches()) {
        if (!typed.add(type.group(1))) {
          throw new AssertionError("line " + lineNo + ": family typed twice: " + line);
        }
      } else if (line.startsWith("#")) {
        if (!HELP.matcher(line).matches()) {
          throw new AssertionError("line " + lineNo + ": bad comment: " + line);
        }
      } else {
        Matcher sample = SAMPLE.matcher(line);
        if (!sample.matches()) {
          throw new AssertionError("line " + lineNo + ": bad sample: " + line);
        }
        String name = sample.group(1);
        String family = name.replaceAll("_(count|sum|bucket|total|created)$", "");
        if (!typed.contains(name) && !typed.contains(family)) {
          throw new AssertionError("line " + lineNo + ": sample before its TYPE: " + line);
        }
        samples++;
      }
    }
    return samples;
  }
}
