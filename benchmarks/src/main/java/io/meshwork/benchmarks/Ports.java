package io.meshwork.benchmarks;

/**
 * Where {@link BenchServer} listens: fixed loopback ports at offsets from one base port, so the
 * server (started by {@code run.sh}) and the JMH forks (clients) agree without talking. The base
 * comes from the system property {@value #BASE_PORT_PROPERTY} (default {@value #DEFAULT_BASE}).
 */
public final class Ports {

  /** Every server binds here and every client dials here: loopback only. */
  public static final String HOST = "127.0.0.1";

  /** The system property naming the base port. */
  public static final String BASE_PORT_PROPERTY = "meshwork.bench.basePort";

  /** The base port when the property is absent. */
  public static final int DEFAULT_BASE = 47100;

  /** Offset of the Meshwork node serving echo, sink, count and stream. */
  public static final int MESHWORK = 0;

  /** Offset of the raw rsocket-java server serving the same routes. */
  public static final int RAW_RSOCKET = 1;

  /** Offset of the gRPC server with {@code directExecutor()}. */
  public static final int GRPC_DIRECT = 2;

  /** Offset of the gRPC server with its default executor. */
  public static final int GRPC_DEFAULT = 3;

  /** Offset of {@link TurnService}, which lets interleaved client JVMs take turns. */
  public static final int TURNS = 4;

  /** Offset of the Meshwork node with RSocket leases on ({@link Systems#MESHWORK_LEASES}). */
  public static final int MESHWORK_LEASES = 5;

  /** Offset of the first broadcast member node; the others follow. */
  public static final int FIRST_MEMBER = 10;

  /**
   * The largest broadcast fan-out. The server runs one cluster per fan-out (1, 2, 4, 8 members),
   * side by side: a broadcast reaches every live member of its sender's cluster, so fan-outs
   * cannot share one.
   */
  public static final int MAX_FAN_OUT = 8;

  /** How many broadcast member nodes the server starts: 1 + 2 + 4 + 8. */
  public static final int MEMBERS = 2 * MAX_FAN_OUT - 1;

  private Ports() {}

  /**
   * The base port: the system property, or the default.
   *
   * @return the base port
   */
  public static int base() {
    return Integer.getInteger(BASE_PORT_PROPERTY, DEFAULT_BASE);
  }

  /**
   * One server's port.
   *
   * @param offset one of this class's offsets
   * @return the port
   */
  public static int port(int offset) {
    return base() + offset;
  }

  /**
   * A broadcast member's port.
   *
   * @param member 0 to {@value #MEMBERS} - 1
   * @return the port
   */
  public static int member(int member) {
    return base() + FIRST_MEMBER + member;
  }

  /**
   * The first member of the cluster for one fan-out; the cluster's other members follow it. The
   * cluster for fan-out {@code f} is members {@code f - 1} to {@code 2f - 2}.
   *
   * @param fanOut 1, 2, 4 or 8
   * @return the member's index
   */
  public static int firstMember(int fanOut) {
    if (fanOut < 1 || fanOut > MAX_FAN_OUT || Integer.bitCount(fanOut) != 1) {
      throw new IllegalArgumentException("fan-out must be 1, 2, 4 or 8, got " + fanOut);
    }
    return fanOut - 1;
  }
}
