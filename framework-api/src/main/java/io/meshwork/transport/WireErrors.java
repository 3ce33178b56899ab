package io.meshwork.transport;

import io.meshwork.NodeId;
import io.meshwork.error.HandlerException;
import io.meshwork.error.InvalidRequestException;
import io.meshwork.error.MeshworkException;
import io.meshwork.error.NoSuchRouteException;
import io.meshwork.error.PayloadTooLargeException;
import io.meshwork.error.RejectedException;
import io.meshwork.error.RemoteException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The one mapping between Meshwork's error types and the error codes of the wire (RSocket's, plus
 * Meshwork's own in RSocket's application-defined range 0x301..). Transports encode a responder's
 * error with {@link #code} and {@link #message}, and decode what arrives with {@link #decode}, so
 * a caller sees the same type whichever transport carried it.
 */
public final class WireErrors {

  /** RSocket APPLICATION_ERROR: an error without a more specific code. */
  public static final int APPLICATION_ERROR = 0x00000201;

  /** RSocket REJECTED: the request was not processed. */
  public static final int REJECTED = 0x00000202;

  /** RSocket CANCELED. */
  public static final int CANCELED = 0x00000203;

  /** RSocket INVALID: the request was malformed. */
  public static final int INVALID = 0x00000204;

  /** Meshwork: no handler for the route and interaction model. */
  public static final int NO_SUCH_ROUTE = 0x00000301;

  /** Meshwork: the route's handler failed; the message is {@code type: message}. */
  public static final int HANDLER_FAILED = 0x00000302;

  /** Meshwork: the payload exceeds the receiver's inbound limit. */
  public static final int PAYLOAD_TOO_LARGE = 0x00000303;

  private static final Pattern SIZES =
      Pattern.compile("Payload of (\\d{1,18}) bytes .* exceeds the (\\d{1,18})-byte", Pattern.DOTALL);

  private WireErrors() {}

  /**
   * The wire code for an error a responder signalled.
   *
   * @param error the error
   * @return its code; {@link #APPLICATION_ERROR} for anything not a Meshwork type
   */
  public static int code(Throwable error) {
    if (error instanceof NoSuchRouteException) {
      return NO_SUCH_ROUTE;
    }
    if (error instanceof HandlerException) {
      return HANDLER_FAILED;
    }
    if (error instanceof PayloadTooLargeException) {
      return PAYLOAD_TOO_LARGE;
    }
    if (error instanceof InvalidRequestException) {
      return INVALID;
    }
    if (error instanceof RejectedException) {
      return REJECTED;
    }
    return APPLICATION_ERROR;
  }

  /**
   * The wire message for an error a responder signalled: its message, or for a {@link
   * HandlerException} the handler error's {@code type: message}.
   *
   * @param error the error
   * @return the text to send
   */
  public static String message(Throwable error) {
    if (error instanceof HandlerException) {
      HandlerException h = (HandlerException) error;
      String m = h.errorMessage();
      return m == null ? h.errorType() : h.errorType() + ": " + m;
    }
    if (error instanceof MeshworkException) {
      String m = error.getMessage();
      return m == null ? error.getClass().getName() : m;
    }
    String m = error.getMessage();
    return m == null ? error.getClass().getName() : error.getClass().getName() + ": " + m;
  }

  /**
   * An error as it arrives on the caller's side of a wire: reduced to code and message, then
   * decoded with the caller's route and peer. For transports without a wire (in-memory,
   * simulated), so that they fail exactly as a networked one would.
   *
   * @param error the responder's error
   * @param route the route of the call that failed
   * @param remote the peer that answered, or {@code null} if unknown
   * @return the typed error the caller sees
   */
  public static MeshworkException crossed(Throwable error, String route, @Nullable NodeId remote) {
    return decode(code(error), message(error), route, remote);
  }

  /**
   * The error a caller sees for a code and message received.
   *
   * @param code the wire code
   * @param message the wire message
   * @param route the route of the call that failed
   * @param remote the peer that answered, or {@code null} if unknown
   * @return the typed error
   */
  public static MeshworkException decode(
      int code, String message, String route, @Nullable NodeId remote) {
    String node = remote == null ? null : remote.value();
    switch (code) {
      case NO_SUCH_ROUTE:
        return new NoSuchRouteException(route, node, message);
      case HANDLER_FAILED:
        {
          int sep = message.indexOf(": ");
          String type = sep < 0 ? message : message.substring(0, sep);
          String text = sep < 0 ? null : message.substring(sep + 2);
          return new HandlerException(route, node, type, text, null);
        }
      case PAYLOAD_TOO_LARGE:
        {
          Matcher m = SIZES.matcher(message);
          return m.find()
              ? new PayloadTooLargeException(
                  Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), message)
              : new PayloadTooLargeException(-1, -1, message);
        }
      case INVALID:
        return new InvalidRequestException(message);
      case REJECTED:
        return RejectedException.withoutStackTrace(message); // refusals come in floods
      default:
        return new RemoteException(
            code,
            "Node "
                + (node == null ? "<unknown>" : node)
                + " answered route '"
                + route
                + "' with error 0x"
                + Integer.toHexString(code)
                + ": "
                + message);
    }
  }
}
