package io.meshwork.samples;

import io.meshwork.Address;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code meshwork node} in a child JVM started from this program's class path, so the demo can
 * kill a member for real ({@code kill -9}) and start it again. Its output is read on a daemon
 * thread; only the demo's {@code main} waits on it.
 */
final class ChildNode {

  private static final Pattern LISTENING = Pattern.compile("^node (\\S+) listening on (\\S+)$");

  private final Process process;
  private final CompletableFuture<Address> listening = new CompletableFuture<>();

  private ChildNode(Process process) {
    this.process = process;
    Thread reader = new Thread(this::read, "output-of-child-node");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code meshwork node --id id --bind bind --seeds seed}. */
  static ChildNode start(String id, String bind, Address seed) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add(Main.class.getName());
    command.addAll(List.of("node", "--id", id, "--bind", bind, "--seeds", seed.toString()));
    return new ChildNode(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        Matcher m = LISTENING.matcher(line);
        if (m.matches()) {
          listening.complete(Address.parse(m.group(2)));
        }
      }
    } catch (IOException e) {
      listening.completeExceptionally(e);
    }
    listening.completeExceptionally(new IllegalStateException("the child node exited before listening"));
  }

  /** Waits until the node prints where it listens. */
  Address awaitListening(Duration timeout) throws Exception {
    return listening.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGKILL: no leave, no shutdown hook; its connections just drop. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
