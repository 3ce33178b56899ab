package io.meshwork.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MeshworkErrorsTest {

  @Nested
  @DisplayName("HandlerException")
  class Handler {

    @Test
    @DisplayName("names route, node, error type and message")
    void message() {
      HandlerException e =
          new HandlerException("orders", "node-a", "java.lang.IllegalStateException", "bad", null);
      assertThat(e)
          .hasMessage(
              "Handler of route 'orders' on node node-a failed: java.lang.IllegalStateException: bad");
      assertThat(e.route()).isEqualTo("orders");
      assertThat(e.node()).isEqualTo("node-a");
      assertThat(e.errorType()).isEqualTo("java.lang.IllegalStateException");
      assertThat(e.errorMessage()).isEqualTo("bad");
      assertThat(e.getCause()).isNull();
    }

    @Test
    @DisplayName("says <unknown> for an unknown node and omits a missing error message")
    void unknownNodeNoMessage() {
      HandlerException e = new HandlerException("r", null, "java.lang.NullPointerException", null, null);
      assertThat(e).hasMessage("Handler of route 'r' on node <unknown> failed: java.lang.NullPointerException");
      assertThat(e.node()).isNull();
      assertThat(e.errorMessage()).isNull();
    }

    @Test
    @DisplayName("keeps the original error as cause on the node that ran the handler")
    void keepsCause() {
      IllegalStateException original = new IllegalStateException("bad");
      HandlerException e =
          new HandlerException("r", "n", original.getClass().getName(), original.getMessage(), original);
      assertThat(e).hasCause(original);
    }
  }

  @Nested
  @DisplayName("PayloadTooLargeException")
  class PayloadTooLarge {

    @Test
    @DisplayName("of(...) names size, limit, route, node and the option to raise")
    void standardMessage() {
      PayloadTooLargeException e = PayloadTooLargeException.of(2_000_000, 1_048_576, "upload", "node-a");
      assertThat(e.size()).isEqualTo(2_000_000);
      assertThat(e.limit()).isEqualTo(1_048_576);
      assertThat(e.getMessage())
          .contains("2000000 bytes")
          .contains("'upload'")
          .contains("1048576-byte")
          .contains("node node-a")
          .contains("maxInboundPayloadSize");
    }

    @Test
    @DisplayName("allows unknown size and limit as -1")
    void unknownSizes() {
      PayloadTooLargeException e = new PayloadTooLargeException(-1, -1, "too large");
      assertThat(e.size()).isEqualTo(-1);
      assertThat(e.limit()).isEqualTo(-1);
      assertThat(e).hasMessage("too large");
    }
  }

  @Test
  @DisplayName("NoSuchRouteException carries route, node and message")
  void noSuchRoute() {
    NoSuchRouteException e = new NoSuchRouteException("orders", "node-a", "no route 'orders'");
    assertThat(e.route()).isEqualTo("orders");
    assertThat(e.node()).isEqualTo("node-a");
    assertThat(e).hasMessage("no route 'orders'").hasNoCause();
    assertThat(new NoSuchRouteException("r", null, "m").node()).isNull();
  }

  @Test
  @DisplayName("RemoteException carries the code")
  void remote() {
    RemoteException e = new RemoteException(0x205, "odd");
    assertThat(e.code()).isEqualTo(0x205);
    assertThat(e).hasMessage("odd");
  }

  @Test
  @DisplayName("ConnectionClosedException and UnreachableException keep their cause")
  void causes() {
    IOException io = new IOException("reset");
    assertThat(new ConnectionClosedException("closed", io)).hasMessage("closed").hasCause(io);
    assertThat(new UnreachableException("unreachable", io)).hasMessage("unreachable").hasCause(io);
    assertThat(new UnreachableException("unreachable", null)).hasNoCause();
  }

  @Nested
  @DisplayName("Retryable")
  class RetryableErrors {

    @Test
    @DisplayName("RejectedException and UnreachableException are retryable")
    void retryable() {
      assertThat(Retryable.isRetryable(new RejectedException("busy"))).isTrue();
      assertThat(Retryable.isRetryable(new UnreachableException("gone", null))).isTrue();
      assertThat(new RejectedException("busy")).isInstanceOf(Retryable.class);
    }

    @Test
    @DisplayName("errors after which the handler may have run are not retryable")
    void notRetryable() {
      List<Throwable> errors =
          List.of(
              new HandlerException("r", "n", "T", "m", null),
              new NoSuchRouteException("r", "n", "m"),
              PayloadTooLargeException.of(100, 64, "r", "n"),
              new InvalidRequestException("bad"),
              new RemoteException(0x201, "m"),
              new ConnectionClosedException("closed", null),
              new RuntimeException("plain"),
              new Error("error"));
      for (Throwable error : errors) {
        assertThat(Retryable.isRetryable(error)).as("%s", error).isFalse();
      }
    }
  }

  @Test
  @DisplayName("every Meshwork error is a MeshworkException, hence unchecked")
  void hierarchy() {
    List<MeshworkException> errors =
        List.of(
            new HandlerException("r", "n", "T", "m", null),
            new NoSuchRouteException("r", "n", "m"),
            PayloadTooLargeException.of(100, 64, "r", "n"),
            new InvalidRequestException("bad"),
            new RemoteException(0x201, "m"),
            new ConnectionClosedException("closed", null),
            new RejectedException("busy"),
            new UnreachableException("gone", null));
    assertThat(errors).allSatisfy(e -> assertThat(e).isInstanceOf(RuntimeException.class));
  }

  @Test
  @DisplayName("a refusal made in bulk has no stack trace, and is still a retryable RejectedException")
  void stacklessRefusal() {
    RejectedException bulk = RejectedException.withoutStackTrace("node n1 is overloaded");
    assertThat(bulk).hasMessage("node n1 is overloaded").isInstanceOf(Retryable.class);
    assertThat(bulk.getStackTrace()).isEmpty();
    assertThat(new RejectedException("busy").getStackTrace()).isNotEmpty();
  }
}
