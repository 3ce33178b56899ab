package io.meshwork.benchmarks;

import io.meshwork.Message;
import io.meshwork.Node;
import io.meshwork.Target;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Issue 6's overload question as a benchmark: what a healthy client's request-response latency
 * (one call in flight, 16 B, to a route that answers at once) becomes while another client floods
 * the same node. Three processes on loopback: the node ({@link OverloadServer}), the flooder
 * ({@link Flooder}: waves of 10^5 fire-and-forget and 10^4 requests into a 20 ms handler, 512 of
 * each in flight) and this JMH JVM, the healthy client.
 *
 * <ul>
 *   <li>{@code load}: {@code quiet} (no flooder), {@code flood} (the flooder at this process's
 *       priority: on 2 vCPUs it competes for the same cores as the node and the client), {@code
 *       flood-nice} (the flooder at {@code nice 19}: it gets the CPU the others leave, as a
 *       flooder on another machine would, while its traffic still hits the node).
 *   <li>{@code protection}: {@code on} (caps of 256 handlers and 64 per peer), {@code leases}
 *       (the same caps, and RSocket leases of 64 permits per connection on every node, so the
 *       flooder's calls beyond them wait at its own end), {@code off} (no caps).
 * </ul>
 *
 * Each trial starts its own node and flooder and stops them after, noting the flooder's counts
 * and the node's refusals for the report ({@link Notes}).
 *
 * <pre>{@code
 * java -jar benchmarks/target/meshwork-benchmarks.jar OverloadLatency -f 1 -wi 2 -w 2s -i 5 -r 2s
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OverloadLatency {

  /** The caps with protection on: handlers on the node, and per peer. */
  static final int HANDLERS = 256;

  static final int PER_PEER = 64;

  /** Whether and how the flooder runs. */
  @Param({"quiet", "flood", "flood-nice"})
  public String load;

  /** Whether the node has overload caps. */
  @Param({"on", "leases", "off"})
  public String protection;

  private @Nullable ChildProcess server;
  private @Nullable ChildProcess flooder;
  private @Nullable Node client;
  private @Nullable Target target;
  private final Message fast = Message.of(OverloadServer.FAST, new byte[16]);

  /** Starts the node, the healthy client and (per {@link #load}) the flooder. */
  @Setup
  public void start() throws Exception {
    boolean on = !protection.equals("off");
    String leases = Integer.toString(protection.equals("leases") ? PER_PEER : 0);
    server =
        ChildProcess.start(
            "node", 0, OverloadServer.class,
            Integer.toString(on ? HANDLERS : 0), Integer.toString(on ? PER_PEER : 0), leases);
    int port = Integer.parseInt(server.await("READY", 60).substring("READY ".length()).trim());
    target = Target.address(Ports.HOST + ":" + port);
    client =
        Node.builder()
            .id("healthy")
            .bind(Ports.HOST, 0)
            .transport(OverloadServer.transport(Integer.parseInt(leases)))
            .build()
            .start()
            .block(Wire.TIMEOUT);
    client.request(target, fast).block(Wire.TIMEOUT); // connected before the flood starts
    if (!load.equals("quiet")) {
      flooder =
          ChildProcess.start(
              "flooder", load.equals("flood-nice") ? 19 : 0, Flooder.class, Integer.toString(port),
              leases);
      flooder.await("FLOODING", 60);
    }
  }

  /** One request-response from the healthy client. */
  @Benchmark
  public @Nullable Message call() {
    return client.request(target, fast).block(Wire.TIMEOUT);
  }

  /** Stops the flooder, then the node, and notes their counts. */
  @TearDown
  public void stop() throws Exception {
    String flooded = flooder == null ? null : flooder.stop("FLOODED");
    String refused = server == null ? null : server.stop("REFUSED");
    if (client != null) {
      client.shutdown().block(Wire.TIMEOUT);
    }
    Notes.append(
        "overload load=" + load + " protection=" + protection + " | "
            + (flooded == null ? "no flooder" : flooded) + " | "
            + (refused == null ? "node: no count" : refused));
  }
}
