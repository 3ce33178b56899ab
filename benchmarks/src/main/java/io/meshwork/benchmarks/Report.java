package io.meshwork.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.DoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns the JMH JSON of one {@code run.sh} run into a Markdown report and an SVG chart: for every
 * row the Meshwork figure beside raw RSocket's and gRPC's from the same run, the ratios, bytes per
 * op, the targets met or missed, and the machine the figures came from.
 *
 * <pre>{@code
 * java -cp meshwork-benchmarks.jar io.meshwork.benchmarks.Report --mode quick \
 *     --facts facts.properties --notes notes.txt \
 *     --md report-quick.md --svg report-quick.svg --json report-quick.json \
 *     round1-meshwork.json round1-rawRSocket.json ...
 * }</pre>
 *
 * <p>Each input file is one JMH run; its round is the number after {@code round} in its name (1 if
 * none). A figure is the median over rounds of each round's median iteration, with the range of the
 * round values; with one round, the median and range of the iterations. A latency percentile is the
 * median over rounds of each round's percentile over all its samples (one round: that, with the
 * range of the per-iteration percentiles).
 */
public final class Report {

  static final String LAT = "RequestResponseLatency";
  static final String RR = "RequestResponseThroughput";
  static final String FNF = "FireAndForgetThroughput";
  static final String STREAM = "RequestStreamThroughput";
  static final String BCAST = "BroadcastThroughput";

  /** The systems, in column order, with their labels and chart colours. */
  static final List<String> SYSTEMS =
      List.of(
          Systems.MESHWORK,
          Systems.MESHWORK_NO_TIMEOUT,
          Systems.RAW_RSOCKET,
          Systems.GRPC_DIRECT,
          Systems.GRPC_DEFAULT);

  static final Map<String, String> LABEL =
      Map.of(
          Systems.MESHWORK, "Meshwork",
          Systems.MESHWORK_NO_TIMEOUT, "Meshwork, timeout(null)",
          Systems.RAW_RSOCKET, "raw RSocket",
          Systems.GRPC_DIRECT, "gRPC directExecutor",
          Systems.GRPC_DEFAULT, "gRPC default executor");

  static final Map<String, String> COLOR =
      Map.of(
          Systems.MESHWORK, "#1f77b4",
          Systems.MESHWORK_NO_TIMEOUT, "#8fbbd9",
          Systems.RAW_RSOCKET, "#ff7f0e",
          Systems.GRPC_DIRECT, "#2ca02c",
          Systems.GRPC_DEFAULT, "#98df8a");

  static final String[] PERCENTILES = {"50.0", "99.0", "99.9"};
  static final String[] PERCENTILE_LABELS = {"p50", "p99", "p99.9"};

  private Report() {}

  // ------------------------------------------------------------------ model

  /** A figure: the middle value, its range, and how many values it came from. */
  record Stat(double mid, double lo, double hi, int n) {
    static final Stat NONE = new Stat(Double.NaN, Double.NaN, Double.NaN, 0);

    boolean present() {
      return n > 0 && !Double.isNaN(mid);
    }
  }

  /** One JMH result row (one benchmark, one parameter set) across rounds. */
  static final class Cell {
    /** Per round, per iteration: the primary score. */
    final Map<Integer, List<Double>> score = new TreeMap<>();
    /** Per round, per iteration: gc.alloc.rate.norm. */
    final Map<Integer, List<Double>> bytes = new TreeMap<>();
    /** Per percentile: per round, the pooled percentile. */
    final Map<String, Map<Integer, Double>> pooled = new LinkedHashMap<>();
    /** Per percentile: per round, per iteration percentiles (from the histograms). */
    final Map<String, Map<Integer, List<Double>>> perIteration = new LinkedHashMap<>();

    String unit = "";

    Stat score() {
      return combine(score);
    }

    Stat bytes() {
      return combine(bytes);
    }

    Stat percentile(String p) {
      Map<Integer, Double> byRound = pooled.getOrDefault(p, Map.of());
      if (byRound.isEmpty()) {
        return Stat.NONE;
      }
      if (byRound.size() >= 2) {
        List<Double> v = new ArrayList<>(byRound.values());
        return new Stat(median(v), Collections.min(v), Collections.max(v), v.size());
      }
      double mid = byRound.values().iterator().next();
      List<Double> its = new ArrayList<>();
      perIteration.getOrDefault(p, Map.of()).values().forEach(its::addAll);
      if (its.isEmpty()) {
        return new Stat(mid, mid, mid, 1);
      }
      return new Stat(
          mid, Math.min(mid, Collections.min(its)), Math.max(mid, Collections.max(its)), its.size());
    }

    static Stat combine(Map<Integer, List<Double>> rounds) {
      List<Double> perRound = new ArrayList<>();
      List<Double> all = new ArrayList<>();
      for (List<Double> its : rounds.values()) {
        if (!its.isEmpty()) {
          perRound.add(median(its));
          all.addAll(its);
        }
      }
      if (perRound.isEmpty()) {
        return Stat.NONE;
      }
      if (perRound.size() >= 2) {
        return new Stat(
            median(perRound), Collections.min(perRound), Collections.max(perRound), perRound.size());
      }
      return new Stat(median(all), Collections.min(all), Collections.max(all), all.size());
    }
  }

  /** All cells, by benchmark, parameters without {@code system}, and system. */
  static final class Data {
    final Map<String, Cell> cells = new LinkedHashMap<>();
    final List<JsonNode> results = new ArrayList<>();
    final java.util.Set<Integer> rounds = new java.util.TreeSet<>();
    /** Per row key: per round, the measured iterations' client and server CPU µs per op. */
    final Map<String, Map<Integer, List<Double>>> cpuClient = new LinkedHashMap<>();
    final Map<String, Map<Integer, List<Double>>> cpuServer = new LinkedHashMap<>();

    Stat cpu(boolean server, String bench, String system, String... params) {
      Map<String, String> p = new LinkedHashMap<>();
      for (int i = 0; i + 1 < params.length; i += 2) {
        p.put(params[i], params[i + 1]);
      }
      Map<Integer, List<Double>> m = (server ? cpuServer : cpuClient).get(key(bench, system, p));
      return m == null ? Stat.NONE : Cell.combine(m);
    }

    /**
     * Reads the {@code cpu ...} note lines: per round and row, the last {@code measured} lines are
     * the measured iterations (the ones before are warm-up).
     */
    void addCpu(List<String> notes, int measured) {
      Map<String, Map<Integer, List<double[]>>> lines = new LinkedHashMap<>();
      for (String n : notes) {
        if (!n.startsWith("cpu ")) {
          continue;
        }
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : n.substring(4).trim().split("\\s+")) {
          int eq = part.indexOf('=');
          if (eq > 0) {
            kv.put(part.substring(0, eq), part.substring(eq + 1));
          }
        }
        String bench = kv.remove("bench");
        String system = kv.remove("system");
        int round = Integer.parseInt(kv.remove("round"));
        double ops = Double.parseDouble(kv.remove("ops"));
        kv.remove("wallNs");
        double client = Double.parseDouble(kv.remove("clientNs"));
        double server = Double.parseDouble(kv.remove("serverNs"));
        if (bench == null || system == null || ops <= 0) {
          continue;
        }
        lines
            .computeIfAbsent(key(bench, system, kv), k -> new TreeMap<>())
            .computeIfAbsent(round, k -> new ArrayList<>())
            .add(new double[] {client / ops / 1000, server < 0 ? Double.NaN : server / ops / 1000});
      }
      lines.forEach(
          (key, byRound) ->
              byRound.forEach(
                  (round, its) -> {
                    for (double[] v : its.subList(Math.max(0, its.size() - measured), its.size())) {
                      cpuClient.computeIfAbsent(key, k -> new TreeMap<>())
                          .computeIfAbsent(round, k -> new ArrayList<>())
                          .add(v[0]);
                      if (!Double.isNaN(v[1])) {
                        cpuServer.computeIfAbsent(key, k -> new TreeMap<>())
                            .computeIfAbsent(round, k -> new ArrayList<>())
                            .add(v[1]);
                      }
                    }
                  }));
    }

    static String key(String bench, String system, Map<String, String> params) {
      StringBuilder sb = new StringBuilder(bench).append('|').append(system);
      new TreeMap<>(params).forEach((k, v) -> sb.append('|').append(k).append('=').append(v));
      return sb.toString();
    }

    @Nullable Cell cell(String bench, String system, String... params) {
      Map<String, String> p = new LinkedHashMap<>();
      for (int i = 0; i + 1 < params.length; i += 2) {
        p.put(params[i], params[i + 1]);
      }
      return cells.get(key(bench, system, p));
    }

    Stat score(String bench, String system, String... params) {
      Cell c = cell(bench, system, params);
      return c == null ? Stat.NONE : c.score();
    }

    Stat bytes(String bench, String system, String... params) {
      Cell c = cell(bench, system, params);
      return c == null ? Stat.NONE : c.bytes();
    }

    Stat percentile(String p, String system, String payload) {
      Cell c = cell(LAT, system, "payloadSize", payload);
      return c == null ? Stat.NONE : c.percentile(p);
    }

    void add(JsonNode result, int round) {
      results.add(result);
      rounds.add(round);
      String benchmark = result.path("benchmark").asText();
      String[] parts = benchmark.split("\\.");
      String bench = parts.length >= 2 ? parts[parts.length - 2] : benchmark;
      Map<String, String> params = new LinkedHashMap<>();
      String system = Systems.MESHWORK; // BroadcastThroughput has no system: Meshwork only
      Iterator<Map.Entry<String, JsonNode>> it = result.path("params").fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("system")) {
          system = e.getValue().asText();
        } else {
          params.put(e.getKey(), e.getValue().asText());
        }
      }
      Cell cell = cells.computeIfAbsent(key(bench, system, params), k -> new Cell());
      JsonNode primary = result.path("primaryMetric");
      cell.unit = primary.path("scoreUnit").asText();
      String mode = result.path("mode").asText();
      if (mode.equals("sample")) {
        JsonNode pct = primary.path("scorePercentiles");
        for (String p : PERCENTILES) {
          if (pct.has(p)) {
            cell.pooled.computeIfAbsent(p, k -> new TreeMap<>()).put(round, pct.get(p).asDouble());
          }
        }
        List<Double> means = new ArrayList<>();
        for (JsonNode fork : primary.path("rawDataHistogram")) {
          for (JsonNode iteration : fork) {
            List<double[]> hist = new ArrayList<>();
            double sum = 0;
            long count = 0;
            for (JsonNode bin : iteration) {
              double v = bin.get(0).asDouble();
              long c = bin.get(1).asLong();
              hist.add(new double[] {v, c});
              sum += v * c;
              count += c;
            }
            if (count == 0) {
              continue;
            }
            means.add(sum / count);
            hist.sort((a, b) -> Double.compare(a[0], b[0]));
            for (String p : PERCENTILES) {
              cell.perIteration
                  .computeIfAbsent(p, k -> new TreeMap<>())
                  .computeIfAbsent(round, k -> new ArrayList<>())
                  .add(histogramPercentile(hist, count, Double.parseDouble(p)));
            }
          }
        }
        cell.score.computeIfAbsent(round, k -> new ArrayList<>()).addAll(means);
      } else {
        List<Double> its = cell.score.computeIfAbsent(round, k -> new ArrayList<>());
        for (JsonNode fork : primary.path("rawData")) {
          for (JsonNode v : fork) {
            its.add(v.asDouble());
          }
        }
      }
      JsonNode norm = result.path("secondaryMetrics").path("gc.alloc.rate.norm");
      if (!norm.isMissingNode()) {
        List<Double> its = cell.bytes.computeIfAbsent(round, k -> new ArrayList<>());
        for (JsonNode fork : norm.path("rawData")) {
          for (JsonNode v : fork) {
            its.add(v.asDouble());
          }
        }
      }
    }
  }

  static double histogramPercentile(List<double[]> sorted, long count, double percentile) {
    long rank = (long) Math.ceil(percentile / 100.0 * count);
    long seen = 0;
    for (double[] bin : sorted) {
      seen += (long) bin[1];
      if (seen >= rank) {
        return bin[0];
      }
    }
    return sorted.get(sorted.size() - 1)[0];
  }

  static double median(List<Double> values) {
    List<Double> v = new ArrayList<>(values);
    Collections.sort(v);
    int n = v.size();
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  // ------------------------------------------------------------------ main

  /**
   * Writes the report.
   *
   * @param args {@code --mode M --facts F --notes N --md OUT.md --svg OUT.svg --json OUT.json} then
   *     the JMH JSON files
   * @throws IOException if a file cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    Map<String, String> opts = new LinkedHashMap<>();
    List<Path> inputs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].startsWith("--") && i + 1 < args.length) {
        opts.put(args[i].substring(2), args[++i]);
      } else {
        inputs.add(Path.of(args[i]));
      }
    }
    if (inputs.isEmpty() || !opts.containsKey("md")) {
      System.err.println(
          "usage: Report --mode M [--facts F] [--notes N] --md OUT.md [--svg OUT.svg] [--json"
              + " OUT.json] JMH.json...");
      System.exit(2);
    }
    ObjectMapper json = new ObjectMapper();
    Data data = new Data();
    Pattern roundPattern = Pattern.compile("round(\\d+)");
    for (Path in : inputs) {
      if (!Files.exists(in) || Files.size(in) == 0) {
        System.err.println("report: skipping missing or empty " + in);
        continue;
      }
      Matcher m = roundPattern.matcher(in.getFileName().toString());
      int round = m.find() ? Integer.parseInt(m.group(1)) : 1;
      JsonNode root = json.readTree(in.toFile());
      for (JsonNode result : root) {
        ObjectNode copy = ((ObjectNode) result).deepCopy();
        copy.put("meshworkRound", round);
        data.add(copy, round);
      }
    }
    Properties facts = new Properties();
    if (opts.containsKey("facts") && Files.exists(Path.of(opts.get("facts")))) {
      try (InputStream in = Files.newInputStream(Path.of(opts.get("facts")))) {
        facts.load(in);
      }
    }
    List<String> notes =
        opts.containsKey("notes") && Files.exists(Path.of(opts.get("notes")))
            ? Files.readAllLines(Path.of(opts.get("notes")), StandardCharsets.UTF_8)
            : List.of();
    String mode = opts.getOrDefault("mode", "quick");
    data.addCpu(notes, Integer.parseInt(facts.getProperty("jmh.measured", "1")));

    String svgName = opts.containsKey("svg") ? Path.of(opts.get("svg")).getFileName().toString() : null;
    String md = markdown(data, facts, notes, mode, svgName);
    write(Path.of(opts.get("md")), md);
    System.out.println("report: wrote " + opts.get("md"));
    if (opts.containsKey("svg")) {
      write(Path.of(opts.get("svg")), Chart.svg(data, mode, facts));
      System.out.println("report: wrote " + opts.get("svg"));
    }
    if (opts.containsKey("json")) {
      ArrayNode all = json.createArrayNode();
      data.results.forEach(all::add);
      write(
          Path.of(opts.get("json")),
          json.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(all) + "\n");
      System.out.println("report: wrote " + opts.get("json"));
    }
    for (String line : Targets.evaluate(data)) {
      System.out.println("target: " + line);
    }
  }

  private static void write(Path path, String text) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(path, text, StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ formatting

  static String num(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    double a = Math.abs(v);
    if (a >= 100_000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  static String cell(Stat s) {
    if (!s.present()) {
      return "—";
    }
    if (s.n < 2 || s.lo == s.hi) {
      return num(s.mid);
    }
    return num(s.mid) + " <sub>" + num(s.lo) + "–" + num(s.hi) + "</sub>";
  }

  static double ratio(Stat a, Stat b) {
    return a.present() && b.present() && b.mid != 0 ? a.mid / b.mid : Double.NaN;
  }

  static String ratioCell(Stat a, Stat b) {
    double r = ratio(a, b);
    return Double.isNaN(r) ? "—" : String.format(Locale.ROOT, "%.2f", r);
  }

  static String payload(String p) {
    return p.equals("1024") ? "1 KiB" : p + " B";
  }

  // ------------------------------------------------------------------ markdown

  static String markdown(
      Data d, Properties facts, List<String> notes, String mode, @Nullable String svgName) {
    StringBuilder o = new StringBuilder();
    o.append("# Meshwork benchmarks — ").append(mode).append(" mode\n\n");
    o.append(
        "Meshwork beside raw rsocket-java and gRPC-java, all from this one run of `benchmarks/run.sh "
            + mode
            + "`. Quote ratios from one run, never an absolute figure alone"
            + " (`shared/BENCHMARKING.md`).\n\n");
    o.append("## Machine and run\n\n");
    o.append("| | |\n|---|---|\n");
    row(o, "date", facts.getProperty("date"));
    row(o, "mode", mode + " — " + facts.getProperty("jmh.settings", ""));
    row(o, "rounds", facts.getProperty("rounds", String.valueOf(d.rounds.size())));
    row(o, "duration", facts.getProperty("duration", "?"));
    row(o, "cores (`nproc`)", facts.getProperty("host.nproc"));
    row(o, "CPU", facts.getProperty("host.cpu"));
    row(o, "memory", facts.getProperty("host.mem"));
    row(o, "kernel", facts.getProperty("host.kernel"));
    row(o, "`java -version`", facts.getProperty("java.version"));
    row(o, "JVM flags (server and every client JVM)", code(facts.getProperty("jvm.flags")));
    row(o, "CPU placement", facts.getProperty("placement", "unpinned"));
    row(o, "load average at start", facts.getProperty("load.start"));
    row(o, "load average at end", facts.getProperty("load.end"));
    row(
        o,
        "Netty",
        facts.getProperty("netty.reactorNetty", "?")
            + " (Reactor Netty, RSocket, Meshwork; allocator "
            + facts.getProperty("netty.reactorNetty.allocator", "?")
            + "); gRPC's shaded "
            + facts.getProperty("netty.grpcShaded", "?")
            + " (allocator "
            + facts.getProperty("netty.grpcShaded.allocator", "?")
            + ")");
    row(
        o,
        "native epoll",
        "server: "
            + facts.getProperty("server.epoll", "?")
            + "; clients: reactor-netty="
            + facts.getProperty("epoll.reactorNetty", "?")
            + " grpc-shaded="
            + facts.getProperty("epoll.grpcShaded", "?"));
    row(
        o,
        "versions",
        "Reactor "
            + facts.getProperty("built.reactor", "?")
            + ", rsocket-java "
            + facts.getProperty("built.rsocket", "?")
            + ", gRPC-java "
            + facts.getProperty("built.grpc", "?")
            + ", JMH "
            + facts.getProperty("built.jmh", "?")
            + ", Meshwork "
            + facts.getProperty("built.meshwork", "?")
            + " ("
            + facts.getProperty("git.rev", "?")
            + ")");
    row(o, "framework files changed but not committed", facts.getProperty("git.dirty", "none"));
    o.append('\n');
    String load = facts.getProperty("load.start", "");
    if (!load.isEmpty()) {
      try {
        double l1 = Double.parseDouble(load.split("\\s+")[0]);
        if (l1 > 1.0) {
          o.append(
              "> **The machine was busy at the start (1-min load "
                  + load.split("\\s+")[0]
                  + ")**: absolute figures are depressed and noisier; ratios within the run"
                  + " still compare systems under the same conditions.\n\n");
        }
        o.append(
            "Load average: the figure at the end includes this run's own two busy processes"
                + " (about 2 on 2 vCPUs); the one at the start shows what ran before.\n\n");
      } catch (NumberFormatException e) {
        // no warning
      }
    }
    if (svgName != null) {
      o.append("![throughput, latency and allocation per system](").append(svgName).append(")\n\n");
    }
    o.append(
        "Cells: median <sub>min–max</sub> over "
            + (d.rounds.size() >= 2
                ? d.rounds.size() + " rounds (each round's median iteration)"
                : "the measured iterations")
            + ". Ratios divide the medians. Columns: **Meshwork** = node defaults (30 s timeout, 3"
            + " attempts), what users get; **timeout(null)** = the same with no timeout;"
            + " **gRPC directExecutor** is the stricter gRPC bar, **gRPC default executor** what an"
            + " untuned user gets.\n\n");

    o.append("## Targets\n\n");
    o.append("| target | row | measured | verdict |\n|---|---|---|---|\n");
    for (String line : Targets.table(d)) {
      o.append(line).append('\n');
    }
    o.append('\n');

    // 1. latency
    o.append("## 1. Request-response latency, one request in flight (µs, lower is better)\n\n");
    o.append("| payload | percentile |");
    for (String s : SYSTEMS) {
      o.append(' ').append(LABEL.get(s)).append(" |");
    }
    o.append(" Meshwork / raw | Meshwork / gRPC direct |\n");
    o.append("|---|---|").append("---:|".repeat(SYSTEMS.size() + 2)).append('\n');
    for (String p : List.of("16", "1024")) {
      for (int i = 0; i < PERCENTILES.length; i++) {
        o.append("| ").append(payload(p)).append(" | ").append(PERCENTILE_LABELS[i]).append(" |");
        for (String s : SYSTEMS) {
          o.append(' ').append(cell(d.percentile(PERCENTILES[i], s, p))).append(" |");
        }
        Stat m = d.percentile(PERCENTILES[i], Systems.MESHWORK, p);
        o.append(' ')
            .append(ratioCell(m, d.percentile(PERCENTILES[i], Systems.RAW_RSOCKET, p)))
            .append(" | ")
            .append(ratioCell(m, d.percentile(PERCENTILES[i], Systems.GRPC_DIRECT, p)))
            .append(" |\n");
      }
    }
    o.append('\n');

    // 2. throughput
    o.append("## 2. Request-response throughput (calls/s, higher is better)\n\n");
    o.append("| payload | in flight |");
    for (String s : SYSTEMS) {
      o.append(' ').append(LABEL.get(s)).append(" |");
    }
    o.append(" Meshwork / raw | Meshwork / gRPC direct |\n");
    o.append("|---|---:|").append("---:|".repeat(SYSTEMS.size() + 2)).append('\n');
    for (String p : List.of("16", "1024")) {
      for (String f : List.of("1", "16", "256")) {
        o.append("| ").append(payload(p)).append(" | ").append(f).append(" |");
        for (String s : SYSTEMS) {
          o.append(' ').append(cell(d.score(RR, s, "inFlight", f, "payloadSize", p))).append(" |");
        }
        Stat m = d.score(RR, Systems.MESHWORK, "inFlight", f, "payloadSize", p);
        o.append(' ')
            .append(ratioCell(m, d.score(RR, Systems.RAW_RSOCKET, "inFlight", f, "payloadSize", p)))
            .append(" | ")
            .append(ratioCell(m, d.score(RR, Systems.GRPC_DIRECT, "inFlight", f, "payloadSize", p)))
            .append(" |\n");
      }
    }
    o.append('\n');

    // 3. fire-and-forget
    List<String> rsocketSystems =
        List.of(Systems.MESHWORK, Systems.MESHWORK_NO_TIMEOUT, Systems.RAW_RSOCKET);
    o.append("## 3. Fire-and-forget throughput (messages/s delivered, higher is better)\n\n");
    o.append("| payload |");
    for (String s : rsocketSystems) {
      o.append(' ').append(LABEL.get(s)).append(" |");
    }
    o.append(" Meshwork / raw |\n|---|").append("---:|".repeat(rsocketSystems.size() + 1)).append('\n');
    for (String p : List.of("16", "1024")) {
      o.append("| ").append(payload(p)).append(" |");
      for (String s : rsocketSystems) {
        o.append(' ').append(cell(d.score(FNF, s, "payloadSize", p))).append(" |");
      }
      o.append(' ')
          .append(
              ratioCell(
                  d.score(FNF, Systems.MESHWORK, "payloadSize", p),
                  d.score(FNF, Systems.RAW_RSOCKET, "payloadSize", p)))
          .append(" |\n");
    }
    o.append('\n');
    List<String> fnfNotes = new ArrayList<>();
    for (String n : notes) {
      if (n.startsWith("fnf ")) {
        fnfNotes.add(n);
      }
    }
    boolean allArrived = !fnfNotes.isEmpty();
    for (String n : fnfNotes) {
      allArrived &= n.endsWith(" ok");
    }
    o.append(
        fnfNotes.isEmpty()
            ? "Arrival check: no notes recorded.\n\n"
            : "Arrival check (server's count against messages sent, per trial): "
                + (allArrived
                    ? "**every message sent arrived**, in every trial."
                    : "**some messages did not arrive** — see below.")
                + " Each timed batch is followed by a request-response that the server answers"
                + " only after every earlier frame, and the next batch waits for that answer, so"
                + " the figure is messages delivered, not merely written.\n\n");
    if (!allArrived) {
      for (String n : fnfNotes) {
        o.append("    ").append(n).append('\n');
      }
      o.append('\n');
    }

    // 4. stream
    o.append(
        "## 4. Request-stream throughput (items/s, one subscriber, "
            + RequestStreamThroughput.ITEMS
            + " items per stream)\n\n");
    o.append("| item size |");
    for (String s : rsocketSystems) {
      o.append(' ').append(LABEL.get(s)).append(" |");
    }
    o.append(" Meshwork / raw |\n|---|").append("---:|".repeat(rsocketSystems.size() + 1)).append('\n');
    for (String p : List.of("16", "1024")) {
      o.append("| ").append(payload(p)).append(" |");
      for (String s : rsocketSystems) {
        o.append(' ').append(cell(d.score(STREAM, s, "payloadSize", p))).append(" |");
      }
      o.append(' ')
          .append(
              ratioCell(
                  d.score(STREAM, Systems.MESHWORK, "payloadSize", p),
                  d.score(STREAM, Systems.RAW_RSOCKET, "payloadSize", p)))
          .append(" |\n");
    }
    o.append('\n');

    // 5. broadcast
    o.append(
        "## 5. Broadcast fan-out, acknowledged, Meshwork only (deliveries/s, "
            + BroadcastThroughput.IN_FLIGHT
            + " broadcasts in flight)\n\n");
    o.append(
        "| payload | members | deliveries/s | broadcasts/s | deliveries/s ÷ Meshwork"
            + " request-response at 16 in flight |\n|---|---:|---:|---:|---:|\n");
    for (String p : List.of("16", "1024")) {
      Stat rr16 = d.score(RR, Systems.MESHWORK, "inFlight", "16", "payloadSize", p);
      for (String m : List.of("1", "2", "4", "8")) {
        Stat s = d.score(BCAST, Systems.MESHWORK, "members", m, "payloadSize", p);
        o.append("| ")
            .append(payload(p))
            .append(" | ")
            .append(m)
            .append(" | ")
            .append(cell(s))
            .append(" | ")
            .append(s.present() ? num(s.mid / Integer.parseInt(m)) : "—")
            .append(" | ")
            .append(ratioCell(s, rr16))
            .append(" |\n");
      }
    }
    o.append('\n');

    // 6. allocation
    o.append(
        "## 6. Allocation per operation (client JVM, bytes/op from `-prof gc`"
            + " `gc.alloc.rate.norm`)\n\n");
    o.append("| benchmark | params |");
    for (String s : SYSTEMS) {
      o.append(' ').append(LABEL.get(s)).append(" |");
    }
    o.append(" Meshwork − raw |\n|---|---|").append("---:|".repeat(SYSTEMS.size() + 1)).append('\n');
    for (String p : List.of("16", "1024")) {
      allocRow(o, d, "request-response latency", "payload " + payload(p), LAT, "payloadSize", p);
      for (String f : List.of("1", "16", "256")) {
        allocRow(
            o,
            d,
            "request-response throughput",
            "payload " + payload(p) + ", " + f + " in flight",
            RR,
            "inFlight",
            f,
            "payloadSize",
            p);
      }
      allocRow(o, d, "fire-and-forget", "payload " + payload(p), FNF, "payloadSize", p);
      allocRow(o, d, "request-stream (per item)", "item " + payload(p), STREAM, "payloadSize", p);
      for (String m : List.of("1", "2", "4", "8")) {
        allocRow(
            o,
            d,
            "broadcast (per delivery)",
            "payload " + payload(p) + ", " + m + " members",
            BCAST,
            "members",
            m,
            "payloadSize",
            p);
      }
    }
    o.append('\n');

    // 7. CPU per op
    if (!d.cpuClient.isEmpty()) {
      o.append(
          "## 7. CPU per operation (µs of CPU per call or message: client JVM + server process)\n\n"
              + "With both processes on the same vCPUs, throughput at 256 in flight is CPU-bound:"
              + " this is where it goes. Cells: total <sub>client + server</sub>.\n\n");
      o.append("| row |");
      for (String s : SYSTEMS) {
        o.append(' ').append(LABEL.get(s)).append(" |");
      }
      o.append(" Meshwork − raw (client, server) |\n|---|")
          .append("---:|".repeat(SYSTEMS.size() + 1))
          .append('\n');
      for (String p : List.of("16", "1024")) {
        for (String f : List.of("1", "16", "256")) {
          cpuRow(o, d, "request-response, " + payload(p) + ", " + f + " in flight", RR,
              "inFlight", f, "payloadSize", p);
        }
        cpuRow(o, d, "fire-and-forget, " + payload(p), FNF, "payloadSize", p);
      }
      o.append('\n');
    }

    o.append("## How this was measured\n\n");
    o.append(
        String.join(
            "\n",
            "- **Processes.** `BenchServer` runs every server in its own JVM: a Meshwork node,"
                + " a raw rsocket-java `RSocketServer` (zero-copy decoder, dispatching on the same"
                + " routing metadata), a gRPC server with `directExecutor()` and one with the"
                + " default executor, and "
                + Ports.MEMBERS
                + " Meshwork member nodes for the broadcast, in clusters of 1, 2, 4 and 8."
                + " Clients run in"
                + " other JVMs (JMH in-process, `-f 0`): "
                + facts.getProperty("jvm.per", "one per system and round")
                + ", so no two systems share a client JVM, JIT profile or event loop. All on"
                + " 127.0.0.1, TCP, native epoll.",
            "- **Warm-up.** On 2 vCPUs every system, raw RSocket included, needs 6–8 s of load"
                + " before the JIT reaches its plateau (measured: gRPC went from 12k to 105k"
                + " calls/s over 8 one-second iterations). Each client JVM therefore warms its"
                + " system once (`Prewarm`, "
                + facts.getProperty("prewarm.seconds", "?")
                + " s: every verb, both payloads, 1 to 256 in flight — which warms the server's"
                + " side of that system too) before its first row, and each row has a short"
                + " warm-up iteration that absorbs its set-up. Before round 1 the server got an"
                + " unmeasured warm-up of every system ("
                + facts.getProperty("server.warm.seconds", "?")
                + " s each).",
            "- **Interleaving.** "
                + facts.getProperty(
                    "interleave",
                    "Each round runs every system's client JVM in turn (the order rotates by one"
                        + " system per round); figures are medians over rounds."),
            "- **One harness for all.** Throughput rows issue a batch of "
                + RequestResponseThroughput.BATCH
                + " calls through `Window`: exactly N calls outstanding, each completion issuing"
                + " the next call on the completing thread (an event loop), no operator and no"
                + " thread hop between harness and call. Every system exposes `Mono<Integer>"
                + " call()`: Meshwork `node.request(target, message).map(Message::payloadSize)`;"
                + " raw RSocket `requestResponse(ByteBufPayload.create(data.duplicate(),"
                + " route.duplicate()))` with the routing metadata encoded once, then size and"
                + " release; gRPC `Mono.create` around `ClientCalls.asyncUnaryCall` with a"
                + " `byte[]` marshaller on gRPC's fast path (`KnownLength` + `Drainable`). The"
                + " guidance suggested `Flux.range(0, n).flatMap(i -> call(), n, 1)`; an exact"
                + " window was used instead because flatMap's own cost, paid alike by every system,"
                + " pulls every ratio towards 1.",
            "- **Latency** rows: `Mode.SampleTime`, one `call().block()` per invocation from the"
                + " JMH thread (so each call includes one wake-up of that thread, for every system"
                + " alike).",
            "- **Fire-and-forget** rows: "
                + FireAndForgetThroughput.BATCH
                + " sends, then one request-response to the server's count route, answered after"
                + " every earlier frame; the invocation then waits for the previous batch's answer"
                + " (a sustained stream with at most two batches unconfirmed, not stop-and-wait):"
                + " the figure counts delivered messages.",
            "- **Stream** rows: one request-stream of "
                + RequestStreamThroughput.ITEMS
                + " items per invocation, unbounded demand; op = item.",
            "- **Broadcast** rows: a client node joins a cluster of exactly M member nodes (the server"
                + " runs one per fan-out),"
                + " `node.broadcast(message, BroadcastOptions.acknowledged())`, "
                + BroadcastThroughput.IN_FLIGHT
                + " broadcasts in flight, "
                + BroadcastThroughput.DELIVERIES
                + "/M broadcasts per invocation so that op = one acknowledged delivery.",
            "- **Allocation** is the client JVM's only (`gc.alloc.rate.norm`); the server's is not"
                + " measured.",
            "- **Allocators differ:** Netty 4.2 (Meshwork, RSocket) defaults to the adaptive"
                + " allocator, gRPC's shaded Netty 4.1 to the pooled one.",
            "- **Raw RSocket** uses rsocket-java's defaults apart from the zero-copy decoder,"
                + " composite metadata and Meshwork's keepalive (5 s / 30 s); Meshwork also sets a"
                + " 64 KiB fragment size and an inbound payload limit.",
            "- **Timeout:** Meshwork's default 30 s call timeout: each request-response attempt"
                + " (broadcast deliveries included) is watched by the node's `DeadlineSweeper`, one"
                + " sweep every 10 ms per node and no timer per call; a stream's wait for its first"
                + " element is still a `Mono.delay` timer per stream. Fire-and-forget has none. The"
                + " timeout(null) column shows what the timeout costs."));
    o.append("\n\n");
    List<String> otherNotes = new ArrayList<>();
    for (String n : notes) {
      if (!n.startsWith("fnf ")) {
        otherNotes.add(n);
      }
    }
    if (!otherNotes.isEmpty()) {
      o.append("Notes from the run:\n\n");
      for (String n : otherNotes) {
        o.append("    ").append(n).append('\n');
      }
      o.append('\n');
    }
    return o.toString();
  }

  private static void cpuRow(StringBuilder o, Data d, String what, String bench, String... p) {
    boolean any = false;
    for (String s : SYSTEMS) {
      any |= d.cpu(false, bench, s, p).present();
    }
    if (!any) {
      return;
    }
    o.append("| ").append(what).append(" |");
    for (String s : SYSTEMS) {
      Stat c = d.cpu(false, bench, s, p);
      Stat v = d.cpu(true, bench, s, p);
      if (!c.present()) {
        o.append(" — |");
      } else if (!v.present()) {
        o.append(' ').append(num(c.mid)).append(" <sub>client only</sub> |");
      } else {
        o.append(' ')
            .append(num(c.mid + v.mid))
            .append(" <sub>")
            .append(num(c.mid))
            .append(" + ")
            .append(num(v.mid))
            .append("</sub> |");
      }
    }
    Stat mc = d.cpu(false, bench, Systems.MESHWORK, p);
    Stat ms = d.cpu(true, bench, Systems.MESHWORK, p);
    Stat rc = d.cpu(false, bench, Systems.RAW_RSOCKET, p);
    Stat rs = d.cpu(true, bench, Systems.RAW_RSOCKET, p);
    if (mc.present() && rc.present() && ms.present() && rs.present()) {
      o.append(
          String.format(
              Locale.ROOT,
              " %+.2f (%+.2f, %+.2f) |",
              mc.mid + ms.mid - rc.mid - rs.mid,
              mc.mid - rc.mid,
              ms.mid - rs.mid));
    } else {
      o.append(" — |");
    }
    o.append('\n');
  }

  private static void allocRow(
      StringBuilder o, Data d, String what, String params, String bench, String... p) {
    boolean any = false;
    for (String s : SYSTEMS) {
      any |= d.bytes(bench, s, p).present();
    }
    if (!any) {
      return;
    }
    o.append("| ").append(what).append(" | ").append(params).append(" |");
    for (String s : SYSTEMS) {
      Stat b = d.bytes(bench, s, p);
      o.append(' ').append(b.present() ? num(b.mid) : "—").append(" |");
    }
    Stat m = d.bytes(bench, Systems.MESHWORK, p);
    Stat r = d.bytes(bench, Systems.RAW_RSOCKET, p);
    o.append(' ')
        .append(m.present() && r.present() ? String.format(Locale.ROOT, "%+,.0f", m.mid - r.mid) : "—")
        .append(" |\n");
  }

  private static void row(StringBuilder o, String k, @Nullable String v) {
    o.append("| ").append(k).append(" | ").append(v == null ? "?" : v.replace("|", "\\|")).append(" |\n");
  }

  private static String code(@Nullable String s) {
    return s == null ? "?" : "`" + s + "`";
  }

  // ------------------------------------------------------------------ targets

  /** The targets, judged on this run's medians (and flagged when the ranges overlap). */
  static final class Targets {
    private Targets() {}

    record Verdict(String target, String row, String measured, boolean met, boolean borderline) {}

    static List<Verdict> all(Data d) {
      List<Verdict> v = new ArrayList<>();
      for (String p : List.of("16", "1024")) {
        String[] at256 = {"inFlight", "256", "payloadSize", p};
        v.add(
            atLeast(
                "request-response throughput ≥ 0.90 × raw RSocket at 256 in flight",
                payload(p),
                d.score(RR, Systems.MESHWORK, at256),
                d.score(RR, Systems.RAW_RSOCKET, at256),
                0.90,
                d.score(RR, Systems.MESHWORK_NO_TIMEOUT, at256)));
      }
      for (String p : List.of("16", "1024")) {
        v.add(
            atMost(
                "p50 latency ≤ 1.10 × raw RSocket",
                payload(p),
                d.percentile("50.0", Systems.MESHWORK, p),
                d.percentile("50.0", Systems.RAW_RSOCKET, p),
                1.10,
                d.percentile("50.0", Systems.MESHWORK_NO_TIMEOUT, p)));
      }
      for (String p : List.of("16", "1024")) {
        v.add(
            atLeast(
                "fire-and-forget ≥ 0.90 × raw RSocket",
                payload(p),
                d.score(FNF, Systems.MESHWORK, "payloadSize", p),
                d.score(FNF, Systems.RAW_RSOCKET, "payloadSize", p),
                0.90,
                d.score(FNF, Systems.MESHWORK_NO_TIMEOUT, "payloadSize", p)));
      }
      for (String p : List.of("16", "1024")) {
        for (String f : List.of("1", "16", "256")) {
          String[] at = {"inFlight", f, "payloadSize", p};
          v.add(
              atLeast(
                  "request-response throughput ahead of gRPC-java (directExecutor)",
                  payload(p) + ", " + f + " in flight",
                  d.score(RR, Systems.MESHWORK, at),
                  d.score(RR, Systems.GRPC_DIRECT, at),
                  1.0,
                  d.score(RR, Systems.MESHWORK_NO_TIMEOUT, at)));
        }
      }
      for (String p : List.of("16", "1024")) {
        v.add(
            atMost(
                "p50 latency ahead of gRPC-java (directExecutor)",
                payload(p),
                d.percentile("50.0", Systems.MESHWORK, p),
                d.percentile("50.0", Systems.GRPC_DIRECT, p),
                1.0,
                d.percentile("50.0", Systems.MESHWORK_NO_TIMEOUT, p)));
      }
      for (String p : List.of("16", "1024")) {
        for (String f : List.of("1", "256")) {
          String[] at = {"inFlight", f, "payloadSize", p};
          v.add(
              extraBytes(
                  "request-response allocation ≤ raw RSocket's + 300 B",
                  payload(p) + ", " + f + " in flight",
                  d.bytes(RR, Systems.MESHWORK, at),
                  d.bytes(RR, Systems.RAW_RSOCKET, at),
                  d.bytes(RR, Systems.MESHWORK_NO_TIMEOUT, at)));
        }
      }
      return v;
    }

    static Verdict atLeast(
        String target, String row, Stat m, Stat base, double factor, Stat alt) {
      return compare(target, row, m, base, factor, alt, true);
    }

    static Verdict atMost(String target, String row, Stat m, Stat base, double factor, Stat alt) {
      return compare(target, row, m, base, factor, alt, false);
    }

    static Verdict compare(
        String target, String row, Stat m, Stat base, double factor, Stat alt, boolean higher) {
      if (!m.present() || !base.present()) {
        return new Verdict(target, row, "no data", false, false);
      }
      double r = m.mid / base.mid;
      boolean met = higher ? r >= factor : r <= factor;
      double best = higher ? m.hi / base.lo : m.lo / base.hi;
      double worst = higher ? m.lo / base.hi : m.hi / base.lo;
      boolean borderline = met ? (higher ? worst < factor : worst > factor) : (higher ? best >= factor : best <= factor);
      String measured =
          String.format(Locale.ROOT, "%.2f× (range %.2f–%.2f)", r, Math.min(best, worst), Math.max(best, worst));
      if (alt.present()) {
        measured += String.format(Locale.ROOT, "; timeout(null): %.2f×", alt.mid / base.mid);
      }
      return new Verdict(target, row, measured, met, borderline);
    }

    static Verdict extraBytes(String target, String row, Stat m, Stat base, Stat alt) {
      if (!m.present() || !base.present()) {
        return new Verdict(target, row, "no data", false, false);
      }
      double extra = m.mid - base.mid;
      String measured =
          String.format(Locale.ROOT, "%+,.0f B (%,.0f vs %,.0f)", extra, m.mid, base.mid);
      if (alt.present()) {
        measured += String.format(Locale.ROOT, "; timeout(null): %+,.0f B", alt.mid - base.mid);
      }
      return new Verdict(target, row, measured, extra <= 300, false);
    }

    static List<String> table(Data d) {
      List<String> out = new ArrayList<>();
      for (Verdict v : all(d)) {
        out.add(
            "| "
                + v.target
                + " | "
                + v.row
                + " | "
                + v.measured
                + " | "
                + (v.met ? "met" : "**MISSED**")
                + (v.borderline ? " (within noise)" : "")
                + " |");
      }
      return out;
    }

    static List<String> evaluate(Data d) {
      List<String> out = new ArrayList<>();
      for (Verdict v : all(d)) {
        out.add(
            (v.met ? "met    " : "MISSED ")
                + v.target
                + " ["
                + v.row
                + "]: "
                + v.measured
                + (v.borderline ? " (within noise)" : ""));
      }
      return out;
    }
  }

  // ------------------------------------------------------------------ chart

  /** A hand-written SVG: grouped bars with min–max whiskers, one panel per question. */
  static final class Chart {
    private Chart() {}

    static final int WIDTH = 1280;

    static String svg(Data d, String mode, Properties facts) {
      StringBuilder s = new StringBuilder();
      int height = 1520;
      s.append(
          String.format(
              Locale.ROOT,
              "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0"
                  + " %d %d\" font-family=\"Helvetica, Arial, sans-serif\">\n",
              WIDTH,
              height,
              WIDTH,
              height));
      s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
      text(s, 20, 32, 20, "bold", "start",
          "Meshwork vs raw rsocket-java vs gRPC-java — " + mode + " mode");
      text(s, 20, 54, 12, "normal", "start",
          "median of " + (d.rounds.size() >= 2 ? d.rounds.size() + " rounds" : "iterations")
              + ", whiskers min–max · " + facts.getProperty("host.nproc", "?") + " vCPU, "
              + facts.getProperty("java.version.short", facts.getProperty("java.version", "?"))
              + " · load " + facts.getProperty("load.start", "?") + " → "
              + facts.getProperty("load.end", "?") + " · " + facts.getProperty("date", ""));
      // legend
      double lx = 20;
      for (String sys : SYSTEMS) {
        s.append(String.format(Locale.ROOT,
            "<rect x=\"%.1f\" y=\"66\" width=\"14\" height=\"14\" fill=\"%s\"/>\n", lx, COLOR.get(sys)));
        text(s, lx + 19, 78, 12, "normal", "start", LABEL.get(sys));
        lx += 30 + LABEL.get(sys).length() * 7.0;
      }

      // Row 1: throughput per in-flight level
      double y = 100;
      text(s, 20, y + 14, 15, "bold", "start",
          "Request-response throughput (calls/s, higher is better) — ratio = Meshwork / raw RSocket");
      double w = (WIDTH - 40) / 3.0;
      int i = 0;
      for (String f : List.of("1", "16", "256")) {
        List<String> groups = List.of("16 B", "1 KiB");
        Stat[][] v = new Stat[2][SYSTEMS.size()];
        String[] notes = new String[2];
        int g = 0;
        for (String p : List.of("16", "1024")) {
          for (int k = 0; k < SYSTEMS.size(); k++) {
            v[g][k] = d.score(RR, SYSTEMS.get(k), "inFlight", f, "payloadSize", p);
          }
          notes[g] = "×" + ratioCell(v[g][0], v[g][2]);
          g++;
        }
        bars(s, 20 + i * w, y + 24, w - 10, 300, f + " in flight", groups, SYSTEMS, v, notes,
            Report::shortNum);
        i++;
      }

      // Row 2: latency percentiles: p50 and p99 per payload, then p99.9 (its own scale)
      y += 350;
      text(s, 20, y + 14, 15, "bold", "start",
          "Request-response latency, one in flight (µs, lower is better) — ratio = Meshwork / raw"
              + " RSocket");
      w = (WIDTH - 40) / 3.0;
      i = 0;
      for (String p : List.of("16", "1024")) {
        Stat[][] v = new Stat[2][SYSTEMS.size()];
        String[] notes = new String[2];
        for (int g = 0; g < 2; g++) {
          for (int k = 0; k < SYSTEMS.size(); k++) {
            v[g][k] = d.percentile(PERCENTILES[g], SYSTEMS.get(k), p);
          }
          notes[g] = "×" + ratioCell(v[g][0], v[g][2]);
        }
        bars(s, 20 + i * w, y + 24, w - 10, 300, payload(p) + ": p50 and p99",
            List.of(PERCENTILE_LABELS[0], PERCENTILE_LABELS[1]), SYSTEMS, v, notes,
            Report::shortNum);
        i++;
      }
      {
        Stat[][] v = new Stat[2][SYSTEMS.size()];
        String[] notes = new String[2];
        int g = 0;
        for (String p : List.of("16", "1024")) {
          for (int k = 0; k < SYSTEMS.size(); k++) {
            v[g][k] = d.percentile(PERCENTILES[2], SYSTEMS.get(k), p);
          }
          notes[g] = "×" + ratioCell(v[g][0], v[g][2]);
          g++;
        }
        bars(s, 20 + 2 * w, y + 24, w - 10, 300, "p99.9", List.of("16 B", "1 KiB"), SYSTEMS, v,
            notes, Report::shortNum);
      }

      // Row 3: fire-and-forget, stream, broadcast
      y += 350;
      text(s, 20, y + 14, 15, "bold", "start",
          "Fire-and-forget (msgs/s), request-stream (items/s), broadcast (deliveries/s)");
      w = (WIDTH - 40) / 3.0;
      List<String> rs = List.of(Systems.MESHWORK, Systems.MESHWORK_NO_TIMEOUT, Systems.RAW_RSOCKET);
      i = 0;
      for (String bench : List.of(FNF, STREAM)) {
        Stat[][] v = new Stat[2][rs.size()];
        String[] notes = new String[2];
        int g = 0;
        for (String p : List.of("16", "1024")) {
          for (int k = 0; k < rs.size(); k++) {
            v[g][k] = d.score(bench, rs.get(k), "payloadSize", p);
          }
          notes[g] = "×" + ratioCell(v[g][0], v[g][2]);
          g++;
        }
        bars(s, 20 + i * w, y + 24, w - 10, 300,
            bench.equals(FNF) ? "fire-and-forget" : "request-stream", List.of("16 B", "1 KiB"), rs,
            v, notes, Report::shortNum);
        i++;
      }
      {
        List<String> groups = List.of("1", "2", "4", "8");
        Stat[][] v = new Stat[4][2];
        String[] notes = new String[4];
        for (int g = 0; g < 4; g++) {
          v[g][0] = d.score(BCAST, Systems.MESHWORK, "members", groups.get(g), "payloadSize", "16");
          v[g][1] =
              d.score(BCAST, Systems.MESHWORK, "members", groups.get(g), "payloadSize", "1024");
          notes[g] = groups.get(g) + (g == 0 ? " member" : " members");
        }
        barsWithColors(s, 20 + 2 * w, y + 24, w - 10, 300, "broadcast, Meshwork: dark 16 B, light 1 KiB",
            List.of("", "", "", ""), List.of("Meshwork 16 B", "Meshwork 1 KiB"),
            List.of(COLOR.get(Systems.MESHWORK), COLOR.get(Systems.MESHWORK_NO_TIMEOUT)), v, notes,
            Report::shortNum);
      }

      // Row 4: allocation
      y += 350;
      text(s, 20, y + 14, 15, "bold", "start",
          "Request-response cost per call (lower is better) — notes: Meshwork − raw RSocket,"
              + " Meshwork / raw RSocket");
      List<String> groups = new ArrayList<>();
      List<Stat[]> rows = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      for (String p : List.of("16", "1024")) {
        for (String f : List.of("1", "256")) {
          groups.add(payload(p) + ", " + f + " in flight");
          Stat[] r = new Stat[SYSTEMS.size()];
          for (int k = 0; k < SYSTEMS.size(); k++) {
            r[k] = d.bytes(RR, SYSTEMS.get(k), "inFlight", f, "payloadSize", p);
          }
          rows.add(r);
          notes.add(r[0].present() && r[2].present()
              ? String.format(Locale.ROOT, "%+,.0f B", r[0].mid - r[2].mid) : "");
        }
      }
      double half = (WIDTH - 40) / 2.0;
      bars(s, 20, y + 24, half - 10, 300, "allocation, client JVM (B/op)", groups, SYSTEMS,
          rows.toArray(new Stat[0][]), notes.toArray(new String[0]), Report::shortNum);
      List<String> cpuGroups = new ArrayList<>();
      List<Stat[]> cpuRows = new ArrayList<>();
      List<String> cpuNotes = new ArrayList<>();
      for (String p : List.of("16", "1024")) {
        for (String f : List.of("16", "256")) {
          cpuGroups.add(payload(p) + ", " + f + " in flight");
          Stat[] r = new Stat[SYSTEMS.size()];
          for (int k = 0; k < SYSTEMS.size(); k++) {
            Stat c = d.cpu(false, RR, SYSTEMS.get(k), "inFlight", f, "payloadSize", p);
            Stat v = d.cpu(true, RR, SYSTEMS.get(k), "inFlight", f, "payloadSize", p);
            r[k] = c.present() && v.present()
                ? new Stat(c.mid + v.mid, c.lo + v.lo, c.hi + v.hi, Math.min(c.n, v.n))
                : Stat.NONE;
          }
          cpuRows.add(r);
          cpuNotes.add("×" + ratioCell(r[0], r[2]));
        }
      }
      bars(s, 20 + half, y + 24, half - 10, 300, "CPU per call, client + server (µs)", cpuGroups,
          SYSTEMS, cpuRows.toArray(new Stat[0][]), cpuNotes.toArray(new String[0]),
          Report::shortNum);
      s.append("</svg>\n");
      return s.toString();
    }

    static void bars(StringBuilder s, double x, double y, double w, double h, String title,
        List<String> groups, List<String> systems, Stat[][] v, String[] notes,
        DoubleFunction<String> fmt) {
      List<String> colors = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (String sys : systems) {
        colors.add(COLOR.get(sys));
        names.add(LABEL.get(sys));
      }
      barsWithColors(s, x, y, w, h, title, groups, names, colors, v, notes, fmt);
    }

    static void barsWithColors(StringBuilder s, double x, double y, double w, double h,
        String title, List<String> groups, List<String> names, List<String> colors, Stat[][] v,
        String[] notes, DoubleFunction<String> fmt) {
      double max = 0;
      for (Stat[] row : v) {
        for (Stat st : row) {
          if (st != null && st.present()) {
            max = Math.max(max, Math.max(st.mid, st.hi));
          }
        }
      }
      double left = x + 52;
      double top = y + 22;
      double plotH = h - 70;
      double plotW = w - 60;
      text(s, x + w / 2, y + 12, 13, "bold", "middle", title);
      s.append(String.format(Locale.ROOT,
          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#fafafa\""
              + " stroke=\"#ddd\"/>\n", left, top, plotW, plotH));
      if (max <= 0) {
        text(s, left + plotW / 2, top + plotH / 2, 12, "normal", "middle", "no data");
        return;
      }
      double step = niceStep(max / 4);
      double axisMax = Math.ceil(max * 1.12 / step) * step;
      for (double t = 0; t <= axisMax + step / 2; t += step) {
        double ty = top + plotH - t / axisMax * plotH;
        s.append(String.format(Locale.ROOT,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e3e3e3\"/>\n",
            left, ty, left + plotW, ty));
        text(s, left - 4, ty + 4, 10, "normal", "end", fmt.apply(t));
      }
      int n = groups.size();
      int k = names.size();
      double groupW = plotW / n;
      double barW = Math.min(34, (groupW - 16) / k);
      for (int g = 0; g < n; g++) {
        double gx = left + g * groupW + (groupW - barW * k) / 2;
        for (int b = 0; b < k; b++) {
          Stat st = v[g][b];
          double bx = gx + b * barW;
          if (st == null || !st.present()) {
            continue;
          }
          double bh = st.mid / axisMax * plotH;
          s.append(String.format(Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                  + "<title>%s: %s (%s–%s)</title></rect>\n",
              bx + 1, top + plotH - bh, barW - 2, bh, colors.get(b), esc(names.get(b)),
              num(st.mid), num(st.lo), num(st.hi)));
          if (st.n >= 2 && st.hi > st.lo) {
            double cx = bx + barW / 2;
            double yl = top + plotH - st.lo / axisMax * plotH;
            double yh = top + plotH - st.hi / axisMax * plotH;
            s.append(String.format(Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>"
                    + "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>"
                    + "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
                cx, yl, cx, yh, cx - 3, yl, cx + 3, yl, cx - 3, yh, cx + 3, yh));
          }
          text(s, bx + barW / 2, top + plotH - Math.max(bh, st.hi / axisMax * plotH) - 4,
              barW < 22 ? 8 : 9, "normal", "middle", fmt.apply(st.mid));
        }
        text(s, left + g * groupW + groupW / 2, top + plotH + 16, 12, "normal", "middle",
            groups.get(g));
        if (notes != null && g < notes.length && notes[g] != null) {
          text(s, left + g * groupW + groupW / 2, top + plotH + 32, 11, "bold", "middle",
              notes[g]);
        }
      }
    }

    static double niceStep(double raw) {
      if (raw <= 0) {
        return 1;
      }
      double mag = Math.pow(10, Math.floor(Math.log10(raw)));
      double f = raw / mag;
      double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
      return nice * mag;
    }

    static void text(StringBuilder s, double x, double y, int size, String weight, String anchor,
        String t) {
      s.append(String.format(Locale.ROOT,
          "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" font-weight=\"%s\" text-anchor=\"%s\""
              + " fill=\"#222\">%s</text>\n", x, y, size, weight, anchor, esc(t)));
    }

    static String esc(String t) {
      return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
  }

  static String shortNum(double v) {
    if (Double.isNaN(v)) {
      return "";
    }
    double a = Math.abs(v);
    if (a >= 1_000_000) {
      return String.format(Locale.ROOT, "%.2fM", v / 1_000_000);
    }
    if (a >= 10_000) {
      return String.format(Locale.ROOT, "%.0fk", v / 1000);
    }
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%.1fk", v / 1000);
    }
    if (a >= 100 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
