package io.meshwork.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A JVM the benchmark starts beside itself, from the same jar and with the same heap and GC flags:
 * its standard output is read line by line on a daemon thread (and echoed, prefixed), and it is
 * stopped by closing its standard input, then by signals if it does not exit in time.
 */
final class ChildProcess implements AutoCloseable {

  private static final String[] JVM_FLAGS = {
    "-Xms256m", "-Xmx512m", "-XX:+UseG1GC", "-Dio.netty.leakDetection.level=disabled",
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
  };

  private final String name;
  private final Process process;
  private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(1024);

  private ChildProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    Thread reader = new Thread(this::read, name + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code mainClass} in a new JVM.
   *
   * @param name a short name for log lines
   * @param niceness a {@code nice} increment (0: run as this process does)
   * @param mainClass the class to run
   * @param args its arguments
   * @return the running child
   * @throws IOException if it cannot start
   */
  static ChildProcess start(String name, int niceness, Class<?> mainClass, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    if (niceness != 0) {
      command.addAll(List.of("nice", "-n", Integer.toString(niceness)));
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(JVM_FLAGS));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    return new ChildProcess(name, p);
  }

  /**
   * Waits for the first line that starts with {@code prefix} and returns it.
   *
   * @throws IllegalStateException if it does not come within {@code seconds} or the child exits
   */
  String await(String prefix, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line != null && line.startsWith(prefix)) {
        return line;
      }
      if (line == null && !process.isAlive() && lines.isEmpty()) {
        break;
      }
    }
    throw new IllegalStateException(
        name + " printed no line starting " + prefix + " within " + seconds + " s");
  }

  /**
   * Closes the child's stdin and returns the line starting with {@code lastWord} it prints on the
   * way out (or {@code null}), then makes sure it is gone.
   */
  @Nullable String stop(String lastWord) throws InterruptedException {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // already gone
    }
    String last = null;
    try {
      last = await(lastWord, 30);
    } catch (IllegalStateException e) {
      System.out.println(name + ": " + e.getMessage());
    }
    close();
    return last;
  }

  @Override
  public void close() throws InterruptedException {
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        System.out.println(name + ": " + line);
        lines.offer(line); // a full queue drops: only the awaited lines matter
      }
    } catch (IOException e) {
      // the child is gone
    }
  }

  /** Reads {@code in} to its end, then counts {@code stop} down: a child's "parent is done". */
  static void drain(InputStream in, CountDownLatch stop) {
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // discard
      }
    } catch (IOException e) {
      // stdin is gone: stop as on EOF
    }
    stop.countDown();
  }
}
