package io.meshwork.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the Markdown report of {@code overload.sh}: the healthy client's latency percentiles per
 * load and protection (median over rounds, with the range), each divided by the same round's
 * {@code quiet} figure, beside the flooder's and the node's counts.
 *
 * <pre>{@code
 * java -cp meshwork-benchmarks.jar io.meshwork.benchmarks.OverloadReport out.md facts.txt notes.txt round1.json ...
 * }</pre>
 */
public final class OverloadReport {

  private static final String[] PERCENTILES = {"50.0", "99.0", "99.9"};
  private static final String[] LOADS = {"quiet", "flood", "flood-nice"};
  private static final String[] PROTECTIONS = {"on", "leases", "off"};

  private OverloadReport() {}

  /**
   * Writes the report.
   *
   * @param args the report file, a facts file (lines {@code key=value}), the notes file, then one
   *     JMH JSON file per round
   * @throws IOException if a file cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    ObjectMapper json = new ObjectMapper();
    // round -> "load/protection" -> percentile -> µs
    List<Map<String, Map<String, Double>>> rounds = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      Map<String, Map<String, Double>> round = new LinkedHashMap<>();
      for (JsonNode row : json.readTree(Path.of(args[i]).toFile())) {
        String key = row.path("params").path("load").asText() + "/"
            + row.path("params").path("protection").asText();
        Map<String, Double> pct = new LinkedHashMap<>();
        for (String p : PERCENTILES) {
          pct.put(p, row.path("primaryMetric").path("scorePercentiles").path(p).asDouble());
        }
        round.put(key, pct);
      }
      rounds.add(round);
    }
    StringBuilder md = new StringBuilder();
    md.append("# Overload: a healthy client's latency while another client floods the node\n\n");
    md.append("Issue 6's question, from one run of `benchmarks/overload.sh`. A node (its own JVM) serves ")
        .append("`fast` (answers at once) and `slow`/`sink` (hold their handler slot ")
        .append(OverloadServer.SLOW_MILLIS).append(" ms). A flooder (its own JVM) sends waves of ")
        .append(String.format(Locale.ROOT, "%,d", Flooder.SENDS)).append(" fire-and-forget to `sink` and ")
        .append(String.format(Locale.ROOT, "%,d", Flooder.REQUESTS)).append(" requests to `slow`, ")
        .append(Flooder.IN_FLIGHT).append(" of each in flight, without pause. The healthy client (the JMH JVM) ")
        .append("makes one 16 B request-response to `fast` at a time (`Mode.SampleTime`). ")
        .append("Protection on: at most ").append(OverloadLatency.HANDLERS).append(" handlers on the node and ")
        .append(OverloadLatency.PER_PEER).append(" per peer, beyond which it answers REJECTED; off: no caps.\n\n");
    md.append("- **quiet**: no flooder.\n")
        .append("- **flood**: the flooder at the same CPU priority. On 2 vCPUs three processes then share two ")
        .append("cores: the figure measures the machine's saturation as much as the node.\n")
        .append("- **flood-nice**: the flooder at `nice 19`, so it runs on the CPU the node and the healthy ")
        .append("client leave, as a flooder on another machine would, while all its traffic still reaches ")
        .append("the node. This isolates what the node does with a flood.\n\n");
    md.append("## Machine and run\n\n| | |\n|---|---|\n");
    for (String line : Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        md.append("| ").append(line, 0, eq).append(" | ").append(line.substring(eq + 1)).append(" |\n");
      }
    }
    md.append("| rounds | ").append(rounds.size()).append(" |\n\n");
    md.append("## Healthy client's request-response latency (µs; median ")
        .append("<sub>min–max</sub> over rounds) and its ratio to quiet in the same round\n\n");
    md.append("| protection | load | p50 | p99 | p99.9 | p50 ÷ quiet | p99 ÷ quiet | p99.9 ÷ quiet |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (String protection : PROTECTIONS) {
      for (String load : LOADS) {
        String key = load + "/" + protection;
        if (rounds.stream().noneMatch(r -> r.containsKey(key))) {
          continue;
        }
        md.append("| ").append(protection).append(" | ").append(load);
        for (String p : PERCENTILES) {
          md.append(" | ").append(cell(rounds, r -> value(r, key, p)));
        }
        for (String p : PERCENTILES) {
          md.append(" | ").append(cell(rounds, r -> ratio(r, key, "quiet/" + protection, p), true));
        }
        md.append(" |\n");
      }
    }
    md.append("\n**Target** (issue 6): the healthy client's p99 within 2× of its unloaded value.\n\n");
    md.append("## What the flooder and the node counted, per trial\n\n```\n");
    Path notes = Path.of(args[2]);
    if (Files.exists(notes)) {
      for (String line : Files.readAllLines(notes, StandardCharsets.UTF_8)) {
        if (line.startsWith("overload")) {
          md.append(line).append('\n');
        }
      }
    }
    md.append("```\n\nA wave that was cut short when its trial ended is counted in `sends`, `served` and ")
        .append("`rejected` but not in `waves`. The node's REFUSED counts come from its ")
        .append("`meshwork.requests{outcome=rejected}` timers.\n");
    Files.writeString(Path.of(args[0]), md.toString(), StandardCharsets.UTF_8);
    System.out.println("overload report: " + args[0]);
  }

  private static double value(Map<String, Map<String, Double>> round, String key, String p) {
    Map<String, Double> row = round.get(key);
    return row == null ? Double.NaN : row.get(p);
  }

  private static double ratio(Map<String, Map<String, Double>> round, String key, String base, String p) {
    return value(round, key, p) / value(round, base, p);
  }

  private static String cell(
      List<Map<String, Map<String, Double>>> rounds,
      java.util.function.ToDoubleFunction<Map<String, Map<String, Double>>> f) {
    return cell(rounds, f, false);
  }

  private static String cell(
      List<Map<String, Map<String, Double>>> rounds,
      java.util.function.ToDoubleFunction<Map<String, Map<String, Double>>> f,
      boolean ratio) {
    List<Double> values = new ArrayList<>();
    for (Map<String, Map<String, Double>> r : rounds) {
      double v = f.applyAsDouble(r);
      if (!Double.isNaN(v)) {
        values.add(v);
      }
    }
    if (values.isEmpty()) {
      return "—";
    }
    Collections.sort(values);
    double median =
        values.size() % 2 == 1
            ? values.get(values.size() / 2)
            : (values.get(values.size() / 2 - 1) + values.get(values.size() / 2)) / 2;
    String fmt = ratio ? "%.2f×" : "%,.0f";
    String text = String.format(Locale.ROOT, fmt, median);
    if (values.size() > 1) {
      text += String.format(
          Locale.ROOT, " <sub>" + fmt + "–" + fmt + "</sub>", values.get(0), values.get(values.size() - 1));
    }
    return text;
  }
}
