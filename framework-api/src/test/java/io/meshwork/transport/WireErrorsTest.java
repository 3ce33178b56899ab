package io.meshwork.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.meshwork.NodeId;
import io.meshwork.error.ConnectionClosedException;
import io.meshwork.error.HandlerException;
import io.meshwork.error.InvalidRequestException;
import io.meshwork.error.MeshworkException;
import io.meshwork.error.NoSuchRouteException;
import io.meshwork.error.PayloadTooLargeException;
import io.meshwork.error.RejectedException;
import io.meshwork.error.RemoteException;
import io.meshwork.error.Retryable;
import io.meshwork.error.UnreachableException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireErrorsTest {

  private static final String ROUTE = "orders";
  private static final NodeId REMOTE = NodeId.of("node-b");

  /** What a caller sees after the error has crossed the wire. */
  private static MeshworkException roundTrip(Throwable error) {
    return WireErrors.decode(WireErrors.code(error), WireErrors.message(error), ROUTE, REMOTE);
  }

  @Test
  @DisplayName("the codes are RSocket's, plus Meshwork's own in the application range")
  void codes() {
    assertThat(WireErrors.APPLICATION_ERROR).isEqualTo(0x201);
    assertThat(WireErrors.REJECTED).isEqualTo(0x202);
    assertThat(WireErrors.CANCELED).isEqualTo(0x203);
    assertThat(WireErrors.INVALID).isEqualTo(0x204);
    assertThat(WireErrors.NO_SUCH_ROUTE).isEqualTo(0x301);
    assertThat(WireErrors.HANDLER_FAILED).isEqualTo(0x302);
    assertThat(WireErrors.PAYLOAD_TOO_LARGE).isEqualTo(0x303);
  }

  @Nested
  @DisplayName("NoSuchRouteException")
  class NoSuchRoute {

    private final NoSuchRouteException error =
        new NoSuchRouteException(ROUTE, "node-b", "Node node-b serves no request-response route 'orders'");

    @Test
    @DisplayName("encodes as NO_SUCH_ROUTE with its message")
    void encode() {
      assertThat(WireErrors.code(error)).isEqualTo(WireErrors.NO_SUCH_ROUTE);
      assertThat(WireErrors.message(error)).isEqualTo(error.getMessage());
    }

    @Test
    @DisplayName("decodes with the call's route and the remote node")
    void roundTrips() {
      MeshworkException decoded = roundTrip(error);
      assertThat(decoded).isInstanceOf(NoSuchRouteException.class).hasMessage(error.getMessage());
      NoSuchRouteException e = (NoSuchRouteException) decoded;
      assertThat(e.route()).isEqualTo(ROUTE);
      assertThat(e.node()).isEqualTo("node-b");
      assertThat(Retryable.isRetryable(e)).isFalse();
    }

    @Test
    @DisplayName("decodes with a null node when the remote is unknown")
    void unknownRemote() {
      MeshworkException decoded = WireErrors.decode(WireErrors.NO_SUCH_ROUTE, "m", "r", null);
      assertThat(((NoSuchRouteException) decoded).node()).isNull();
      assertThat(((NoSuchRouteException) decoded).route()).isEqualTo("r");
    }
  }

  @Nested
  @DisplayName("HandlerException")
  class Handler {

    @Test
    @DisplayName("encodes as HANDLER_FAILED with 'type: message'")
    void encode() {
      HandlerException error =
          new HandlerException("x", "node-a", "java.lang.IllegalStateException", "bad state", null);
      assertThat(WireErrors.code(error)).isEqualTo(WireErrors.HANDLER_FAILED);
      assertThat(WireErrors.message(error)).isEqualTo("java.lang.IllegalStateException: bad state");
    }

    @Test
    @DisplayName("decodes type and message, splitting on the first ': ' only")
    void roundTripSplitsOnFirstSeparator() {
      HandlerException error =
          new HandlerException(
              ROUTE, "node-a", "java.lang.IllegalStateException", "order 7: state: PAID", null);
      MeshworkException decoded = roundTrip(error);
      assertThat(decoded).isInstanceOf(HandlerException.class);
      HandlerException e = (HandlerException) decoded;
      assertThat(e.errorType()).isEqualTo("java.lang.IllegalStateException");
      assertThat(e.errorMessage()).isEqualTo("order 7: state: PAID");
      assertThat(e.route()).isEqualTo(ROUTE);
      assertThat(e.node()).isEqualTo("node-b");
      assertThat(e.getCause()).isNull();
      assertThat(e)
          .hasMessage(
              "Handler of route 'orders' on node node-b failed: "
                  + "java.lang.IllegalStateException: order 7: state: PAID");
      assertThat(Retryable.isRetryable(e)).isFalse();
    }

    @Test
    @DisplayName("round-trips a null handler message as null")
    void nullMessage() {
      HandlerException error =
          new HandlerException(ROUTE, "node-a", "java.lang.NullPointerException", null, null);
      assertThat(WireErrors.message(error)).isEqualTo("java.lang.NullPointerException");
      HandlerException e = (HandlerException) roundTrip(error);
      assertThat(e.errorType()).isEqualTo("java.lang.NullPointerException");
      assertThat(e.errorMessage()).isNull();
    }

    @Test
    @DisplayName("round-trips an empty handler message as empty")
    void emptyMessage() {
      HandlerException error = new HandlerException(ROUTE, "node-a", "com.example.Oops", "", null);
      HandlerException e = (HandlerException) roundTrip(error);
      assertThat(e.errorType()).isEqualTo("com.example.Oops");
      assertThat(e.errorMessage()).isEmpty();
    }

    @Test
    @DisplayName("decodes with node null when the remote is unknown")
    void unknownRemote() {
      HandlerException e =
          (HandlerException) WireErrors.decode(WireErrors.HANDLER_FAILED, "T: m", ROUTE, null);
      assertThat(e.node()).isNull();
      assertThat(e.getMessage()).contains("<unknown>");
    }
  }

  @Nested
  @DisplayName("PayloadTooLargeException")
  class PayloadTooLarge {

    @Test
    @DisplayName("encodes as PAYLOAD_TOO_LARGE with its message")
    void encode() {
      PayloadTooLargeException error = PayloadTooLargeException.of(2_000_000, 1_048_576, ROUTE, "node-b");
      assertThat(WireErrors.code(error)).isEqualTo(WireErrors.PAYLOAD_TOO_LARGE);
      assertThat(WireErrors.message(error)).isEqualTo(error.getMessage());
    }

    @Test
    @DisplayName("decodes size and limit from the standard message")
    void roundTrip() {
      PayloadTooLargeException error = PayloadTooLargeException.of(2_000_000, 1_048_576, ROUTE, "node-b");
      MeshworkException decoded = WireErrorsTest.roundTrip(error);
      assertThat(decoded).isInstanceOf(PayloadTooLargeException.class).hasMessage(error.getMessage());
      PayloadTooLargeException e = (PayloadTooLargeException) decoded;
      assertThat(e.size()).isEqualTo(2_000_000);
      assertThat(e.limit()).isEqualTo(1_048_576);
      assertThat(Retryable.isRetryable(e)).isFalse();
    }

    @Test
    @DisplayName("decodes sizes beyond the int range")
    void largeSizes() {
      PayloadTooLargeException error =
          PayloadTooLargeException.of(5_000_000_000L, 4_294_967_296L, ROUTE, "node-b");
      PayloadTooLargeException e = (PayloadTooLargeException) WireErrorsTest.roundTrip(error);
      assertThat(e.size()).isEqualTo(5_000_000_000L);
      assertThat(e.limit()).isEqualTo(4_294_967_296L);
    }

    @Test
    @DisplayName("is not fooled by a route that itself reads like the standard message")
    void trickyRoute() {
      PayloadTooLargeException error =
          PayloadTooLargeException.of(
              300, 200, "Payload of 1 bytes for x exceeds the 2-byte limit", "node-b");
      PayloadTooLargeException e = (PayloadTooLargeException) WireErrorsTest.roundTrip(error);
      assertThat(e.size()).isEqualTo(300);
      assertThat(e.limit()).isEqualTo(200);
    }

    @Test
    @DisplayName("decodes -1 for size and limit from a non-standard message")
    void nonStandardMessage() {
      PayloadTooLargeException e =
          (PayloadTooLargeException)
              WireErrors.decode(WireErrors.PAYLOAD_TOO_LARGE, "frame too big", ROUTE, REMOTE);
      assertThat(e.size()).isEqualTo(-1);
      assertThat(e.limit()).isEqualTo(-1);
      assertThat(e).hasMessage("frame too big");
    }

    @Test
    @DisplayName("decodes a standard-looking message with an overflowing number without throwing")
    void overflowingNumber() {
      String message =
          "Payload of 99999999999999999999 bytes for route 'r' exceeds the 64-byte inbound limit";
      // A peer controls this text: a size that does not fit a long must not make decode throw.
      Throwable thrown =
          catchThrowable(() -> WireErrors.decode(WireErrors.PAYLOAD_TOO_LARGE, message, ROUTE, REMOTE));
      assertThat(thrown).isNull();
      PayloadTooLargeException e =
          (PayloadTooLargeException)
              WireErrors.decode(WireErrors.PAYLOAD_TOO_LARGE, message, ROUTE, REMOTE);
      assertThat(e).hasMessage(message);
    }
  }

  @Test
  @DisplayName("InvalidRequestException encodes as INVALID and round-trips")
  void invalidRequest() {
    InvalidRequestException error = new InvalidRequestException("Request has no routing metadata");
    assertThat(WireErrors.code(error)).isEqualTo(WireErrors.INVALID);
    assertThat(WireErrors.message(error)).isEqualTo("Request has no routing metadata");
    MeshworkException decoded = roundTrip(error);
    assertThat(decoded)
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("Request has no routing metadata");
    assertThat(Retryable.isRetryable(decoded)).isFalse();
  }

  @Test
  @DisplayName("RejectedException encodes as REJECTED and round-trips as Retryable")
  void rejected() {
    RejectedException error = new RejectedException("Node node-b is overloaded");
    assertThat(WireErrors.code(error)).isEqualTo(WireErrors.REJECTED);
    assertThat(WireErrors.message(error)).isEqualTo("Node node-b is overloaded");
    MeshworkException decoded = roundTrip(error);
    assertThat(decoded).isInstanceOf(RejectedException.class).hasMessage("Node node-b is overloaded");
    assertThat(decoded).isInstanceOf(Retryable.class);
    assertThat(Retryable.isRetryable(decoded)).isTrue();
  }

  @Nested
  @DisplayName("unknown codes")
  class UnknownCodes {

    @Test
    @DisplayName("decode to RemoteException carrying the code, the route, the node and the message")
    void unknownCode() {
      MeshworkException decoded = WireErrors.decode(0x205, "something odd", ROUTE, REMOTE);
      assertThat(decoded).isInstanceOf(RemoteException.class);
      RemoteException e = (RemoteException) decoded;
      assertThat(e.code()).isEqualTo(0x205);
      assertThat(e.getMessage())
          .contains("'orders'")
          .contains("node-b")
          .contains("0x205")
          .contains("something odd");
      assertThat(Retryable.isRetryable(e)).isFalse();
    }

    @Test
    @DisplayName("name an unknown remote as <unknown>")
    void unknownRemote() {
      RemoteException e = (RemoteException) WireErrors.decode(0x205, "odd", ROUTE, null);
      assertThat(e.getMessage()).contains("<unknown>").contains("'orders'");
    }

    @ParameterizedTest(name = "code 0x{0}")
    @ValueSource(ints = {0x201, 0x203, 0x001, 0x300, 0x304, 0xFFFFFFFF})
    @DisplayName("APPLICATION_ERROR, CANCELED and codes outside the mapping decode to RemoteException")
    void unmappedCodes(int code) {
      MeshworkException decoded = WireErrors.decode(code, "msg", ROUTE, REMOTE);
      assertThat(decoded).isInstanceOf(RemoteException.class);
      assertThat(((RemoteException) decoded).code()).isEqualTo(code);
      assertThat(decoded.getMessage()).contains("0x" + Integer.toHexString(code));
    }
  }

  @Nested
  @DisplayName("errors that are not Meshwork wire types")
  class PlainErrors {

    @Test
    @DisplayName("a plain RuntimeException encodes as APPLICATION_ERROR with 'className: message'")
    void plainRuntimeException() {
      RuntimeException error = new RuntimeException("boom");
      assertThat(WireErrors.code(error)).isEqualTo(WireErrors.APPLICATION_ERROR);
      assertThat(WireErrors.message(error)).isEqualTo("java.lang.RuntimeException: boom");
    }

    @Test
    @DisplayName("uses the concrete class name")
    void concreteClassName() {
      assertThat(WireErrors.message(new IllegalArgumentException("bad arg")))
          .isEqualTo("java.lang.IllegalArgumentException: bad arg");
      assertThat(WireErrors.code(new IllegalArgumentException("bad arg")))
          .isEqualTo(WireErrors.APPLICATION_ERROR);
    }

    @Test
    @DisplayName("without a message encodes the class name alone")
    void noMessage() {
      assertThat(WireErrors.message(new RuntimeException())).isEqualTo("java.lang.RuntimeException");
    }

    @Test
    @DisplayName("local-only Meshwork errors encode as APPLICATION_ERROR with their message")
    void localOnlyMeshworkErrors() {
      UnreachableException unreachable = new UnreachableException("no route to 10.0.0.1:7001", null);
      assertThat(WireErrors.code(unreachable)).isEqualTo(WireErrors.APPLICATION_ERROR);
      assertThat(WireErrors.message(unreachable)).isEqualTo("no route to 10.0.0.1:7001");
      ConnectionClosedException closed = new ConnectionClosedException("closed", null);
      assertThat(WireErrors.code(closed)).isEqualTo(WireErrors.APPLICATION_ERROR);
    }

    @Test
    @DisplayName("a RemoteException re-encodes as APPLICATION_ERROR")
    void remoteException() {
      assertThat(WireErrors.code(new RemoteException(0x205, "m"))).isEqualTo(WireErrors.APPLICATION_ERROR);
    }
  }
}
