package dev.bulwark.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the distinct values of each tag of each meter at {@code metrics.maxTagValues}: once a tag has that many, a new
 * value is reported as {@link #OTHER} and the fold is counted. The registry then stays bounded whatever a module tags
 * its meters with (a raw path, a user id): the classic way a meter registry grows until the process dies. Micrometer
 * caches a meter by its id before filtering only when the filtered id is new, so ids folded into one meter are not
 * remembered one by one either. One WARN per meter and tag says when folding starts.
 */
final class TagValueCap implements MeterFilter {

  static final String OTHER = "other";
  static final String FOLDED_METER = "bulwark.metrics.tag.values.folded";

  private static final Logger LOG = LoggerFactory.getLogger(TagValueCap.class);

  private final int max;
  private final ConcurrentMap<String, Set<String>> seen = new ConcurrentHashMap<>();
  private final LongAdder folded = new LongAdder();

  TagValueCap(int max) {
    this.max = max;
  }

  @Override
  public Meter.Id map(Meter.Id id) {
    if (id.getName().equals(FOLDED_METER)) {
      return id;
    }
    List<Tag> tags = null;
    int i = 0;
    for (Tag tag : id.getTagsAsIterable()) {
      String value = value(id.getName(), tag.getKey(), tag.getValue());
      if (value != tag.getValue()) {
        if (tags == null) {
          tags = new ArrayList<>(id.getTags());
        }
        tags.set(i, Tag.of(tag.getKey(), value));
      }
      i++;
    }
    return tags == null ? id : id.replaceTags(tags);
  }

  /**
   * {@code value} itself while the tag has room for it (or already has it), else {@link #OTHER}. A race between two
   * first sightings can let a tag pass the cap by at most one value per thread, never without bound.
   */
  String value(String meter, String key, String value) {
    Set<String> values = seen.computeIfAbsent(meter + '\u0000' + key, k -> ConcurrentHashMap.newKeySet());
    if (values.contains(value)) {
      return value;
    }
    if (values.size() < max) {
      values.add(value);
      return value;
    }
    folded.increment();
    if (values.add(OTHER)) {
      LOG.warn("Meter {} has {} distinct values of tag {} (metrics.maxTagValues): new values are reported as \"{}\"",
          meter, max, key, OTHER);
    }
    return OTHER;
  }

  /** Meter lookups whose tag value was folded into {@link #OTHER}. */
  long folded() {
    return folded.sum();
  }
}
