package io.meshwork.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Keeps the engine deterministic and non-blocking by construction: protocol code gets time,
 * randomness and schedulers from the node's {@code Environment}, never from globals (DESIGN.md),
 * and the engine never names a transport implementation.
 */
@DisplayName("framework-core's sources follow the engine's rules")
class SourceRulesTest {

  private static final Path MAIN = Path.of("src/main/java");

  private static final List<String> FORBIDDEN =
      List.of(
          "System.currentTimeMillis",
          "System.nanoTime",
          "Instant.now",
          "LocalDateTime.now",
          "ThreadLocalRandom",
          "Math.random",
          "new Random(",
          "Schedulers.parallel()",
          "Schedulers.single()",
          "Schedulers.boundedElastic()",
          "VirtualTimeScheduler.getOrSet",
          "Thread" + ".sleep", // split so text searches for sleeping tests do not match this list
          ".block()",
          ".block(",
          ".blockFirst(",
          ".blockLast(",
          "Hooks.on",
          "io.netty.",
          "io.rsocket.");

  @Test
  @DisplayName("no wall clock, global randomness, global scheduler, blocking call or transport type")
  void noForbiddenCalls() throws IOException {
    assertThat(MAIN).isDirectory();
    List<String> violations = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList())) {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i);
          String code = line.trim();
          if (code.startsWith("*") || code.startsWith("//") || code.startsWith("/*")) {
            continue; // javadoc and comments may name what is forbidden
          }
          for (String f2 : FORBIDDEN) {
            if (line.contains(f2)) {
              violations.add(MAIN.relativize(f) + ":" + (i + 1) + " uses " + f2);
            }
          }
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  @DisplayName("every package has a package-info.java marking it @NullMarked")
  void everyPackageIsNullMarked() throws IOException {
    List<String> missing = new ArrayList<>();
    try (Stream<Path> dirs = Files.walk(MAIN)) {
      for (Path d : dirs.filter(Files::isDirectory).collect(Collectors.toList())) {
        boolean hasJava;
        try (Stream<Path> children = Files.list(d)) {
          hasJava = children.anyMatch(p -> p.toString().endsWith(".java"));
        }
        Path info = d.resolve("package-info.java");
        if (hasJava
            && (!Files.exists(info) || !Files.readString(info).contains("@NullMarked"))) {
          missing.add(MAIN.relativize(d).toString());
        }
      }
    }
    assertThat(missing).isEmpty();
  }
}
