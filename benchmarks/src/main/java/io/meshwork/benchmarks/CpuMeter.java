package io.meshwork.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time per operation of the client JVM and of the server process, per JMH iteration, written
 * to the notes file for the report ({@code cpu ...} lines). The client's comes from the JVM
 * ({@code getProcessCpuTime}); the server's from {@code /proc/<pid>/stat} (Linux; the pid is
 * {@code -Dmeshwork.bench.serverPid}, the tick length {@code -Dmeshwork.bench.clockTick}, default
 * 100 Hz), so it has 10 ms resolution: fine over an iteration of a second or more.
 */
final class CpuMeter {

  private static final long SERVER_PID = Long.getLong("meshwork.bench.serverPid", -1L);
  private static final long TICK_NANOS =
      1_000_000_000L / Long.getLong("meshwork.bench.clockTick", 100L);
  private static final String ROUND = System.getProperty("meshwork.bench.round", "0");

  private long client;
  private long server;
  private long ops;
  private long wall;

  /**
   * Starts an interval.
   *
   * @param opsSoFar the benchmark's operation count now
   */
  void start(long opsSoFar) {
    ops = opsSoFar;
    wall = System.nanoTime();
    client = clientNanos();
    server = serverNanos();
  }

  /**
   * Ends the interval and notes the CPU per op.
   *
   * @param row the row, as {@code bench=... system=... key=value ...}
   * @param opsNow the benchmark's operation count now
   */
  void stop(String row, long opsNow) {
    long c = clientNanos() - client;
    long s = SERVER_PID > 0 ? serverNanos() - server : -1;
    long n = opsNow - ops;
    if (n <= 0) {
      return;
    }
    Notes.append(
        "cpu round="
            + ROUND
            + " "
            + row
            + " ops="
            + n
            + " wallNs="
            + (System.nanoTime() - wall)
            + " clientNs="
            + c
            + " serverNs="
            + s);
  }

  private static long clientNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
    }
    return -1;
  }

  private static long serverNanos() {
    if (SERVER_PID <= 0) {
      return -1;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + SERVER_PID + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // after "pid (comm) ": state is f[0]; utime and stime are fields 14 and 15 of the line
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
