package io.meshwork.testkit.membership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Percentiles of measured durations, printed for the issue note. */
final class DetectionReport {

  private final List<Long> millis = new ArrayList<>();

  void add(Duration d) {
    millis.add(d.toMillis());
  }

  long percentile(double p) {
    List<Long> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1)));
  }

  long max() {
    return Collections.max(millis);
  }

  int size() {
    return millis.size();
  }

  @Override
  public String toString() {
    return "p50 " + percentile(50) + " ms, p99 " + percentile(99) + " ms, max " + max()
        + " ms over " + millis.size() + " runs";
  }
}
