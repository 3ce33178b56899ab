package io.meshwork.rsocket;

import io.meshwork.NodeId;
import io.meshwork.error.ConnectionClosedException;
import io.meshwork.error.MeshworkException;
import io.meshwork.error.PayloadTooLargeException;
import io.meshwork.transport.WireErrors;
import io.rsocket.RSocketErrorException;
import io.rsocket.exceptions.ApplicationErrorException;
import io.rsocket.exceptions.CustomRSocketException;
import io.rsocket.exceptions.InvalidException;
import io.rsocket.exceptions.RejectedException;
import io.rsocket.frame.ErrorFrameCodec;
import java.nio.channels.ClosedChannelException;

/** Meshwork's error types to RSocket's error frames and back, through {@link WireErrors}. */
final class RSocketErrors {

  private RSocketErrors() {}

  /** What a responder's error becomes on the wire. */
  static RSocketErrorException toWire(Throwable error) {
    int code = WireErrors.code(error);
    String message = WireErrors.message(error);
    switch (code) {
      case WireErrors.REJECTED:
        return new StacklessRejection(message);
      case WireErrors.INVALID:
        return new InvalidException(message);
      case WireErrors.APPLICATION_ERROR:
        return new ApplicationErrorException(message);
      default:
        return new CustomRSocketException(code, message);
    }
  }

  /** What a caller sees for an error received on a call to {@code route} at {@code peer}. */
  static Throwable fromWire(Throwable error, String route, NodeId peer) {
    if (error instanceof MeshworkException) {
      return error;
    }
    if (error instanceof RSocketErrorException) {
      RSocketErrorException e = (RSocketErrorException) error;
      int code = e.errorCode();
      String message = String.valueOf(e.getMessage());
      if (code == ErrorFrameCodec.CONNECTION_ERROR || code == ErrorFrameCodec.CONNECTION_CLOSE) {
        return closed(route, peer, error);
      }
      // rsocket-java's reassembly limit: "Failed to reassemble payload. Cause: Reassembled
      // payload size went out of allowed N bytes" (a CANCELED frame from the responder).
      if (code == ErrorFrameCodec.CANCELED && message.contains("Reassembled payload size")) {
        return new PayloadTooLargeException(
            -1, -1, "Node " + peer + " refused the payload on route '" + route + "': " + message);
      }
      return WireErrors.decode(code, message, route, peer);
    }
    if (error instanceof ClosedChannelException) {
      return closed(route, peer, error);
    }
    if (error instanceof IllegalStateException
        && String.valueOf(error.getMessage()).contains("Reassembled payload size")) {
      // the same limit hit by a reply on our side
      return new PayloadTooLargeException(
          -1, -1, "A reply from node " + peer + " on route '" + route + "' was too large: " + error.getMessage());
    }
    return error;
  }

  private static ConnectionClosedException closed(String route, NodeId peer, Throwable cause) {
    return new ConnectionClosedException(
        "Connection to node " + peer + " closed during a call to route '" + route + "': " + cause,
        cause);
  }
}
