package io.meshwork.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code meshwork node} options refused before anything binds. */
@DisplayName("`meshwork node` refuses options that cannot work, saying why, before it binds")
class NodeCommandOptionsTest {

  @Test
  @DisplayName("--bind on every interface without --advertise exits 2: no peer could dial 0.0.0.0")
  void wildcardBindWithoutAdvertise() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    int code;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      code = new CommandLine(new Main()).execute("node", "--id", "w", "--bind", "0.0.0.0:0");
    } finally {
      System.setErr(saved);
    }
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("node w: bind address 0.0.0.0:0 listens on every interface")
        .contains("advertise(host, port)");
  }
}
