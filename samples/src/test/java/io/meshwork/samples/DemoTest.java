package io.meshwork.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The README's demo runs to the end and shows every interaction model")
class DemoTest {

  @Test
  void demoRunsAndShowsEveryModel() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Demo.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    original.print(out);
    assertThat(out)
        .contains("alpha <- beta: \"hello, beta\"")
        .contains("gamma <- alpha tick 4")
        .contains("beta <- gamma: WAYS")
        .contains("beta got news from alpha: config v2")
        .contains("gamma got news from alpha: config v2")
        .contains("NoSuchRouteException: Node beta has no route 'no-such-route'")
        .contains("HandlerException: Handler of route 'divide' on node beta failed:"
            + " java.lang.ArithmeticException: / by zero")
        .contains("100 / 4 = 25")
        .contains("beta: pong from beta")
        .contains("gamma: pong from gamma")
        .containsPattern("alpha <- gamma: \"are you back\\?\" after \\d+ retries")
        .containsPattern("alpha +echo +request_response success +\\d+ calls")
        .contains("pong from alpha, pong from beta, pong from gamma, pong from alpha")
        .containsPattern("user-1: owner (\\w+) \\(replicas \\[\\1, \\w+\\]\\); served by \\1 from alpha, \\1 from beta")
        .containsPattern("delta killed; 60 load-balanced echoes .*: \\{alpha=\\d+, beta=\\d+, gamma=\\d+\\}")
        .contains("delta's breaker: closed -> open (1x)")
        .containsPattern("40 more echoes: \\{alpha=\\d+, beta=\\d+, delta=\\d+, gamma=\\d+\\}")
        .contains("delta's breaker: closed -> open (1x), open -> half_open (1x), half_open -> closed (1x)")
        .contains("Done in");
  }
}
