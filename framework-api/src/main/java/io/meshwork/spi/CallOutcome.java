package io.meshwork.spi;

import io.meshwork.error.CallTimeoutException;
import io.meshwork.error.CircuitOpenException;
import io.meshwork.error.ConnectionClosedException;
import io.meshwork.error.HandlerException;
import io.meshwork.error.InvalidRequestException;
import io.meshwork.error.NoSuchRouteException;
import io.meshwork.error.OverflowException;
import io.meshwork.error.PayloadTooLargeException;
import io.meshwork.error.RejectedException;
import io.meshwork.error.UnauthenticatedException;
import io.meshwork.error.UnreachableException;
import org.jspecify.annotations.Nullable;

/** How a call ended, as a low-cardinality metric tag. */
public enum CallOutcome {
  /** Completed normally. */
  SUCCESS,
  /** Cancelled by the caller. */
  CANCELLED,
  /** {@link NoSuchRouteException}. */
  NO_ROUTE,
  /** {@link HandlerException} or a handler's own error. */
  HANDLER_FAILED,
  /** {@link CallTimeoutException}. */
  TIMEOUT,
  /** {@link UnreachableException}. */
  UNREACHABLE,
  /** {@link RejectedException}. */
  REJECTED,
  /** {@link ConnectionClosedException}. */
  CONNECTION_CLOSED,
  /** {@link PayloadTooLargeException}. */
  PAYLOAD_TOO_LARGE,
  /** {@link InvalidRequestException}. */
  INVALID,
  /** {@link OverflowException}. */
  OVERFLOW,
  /** {@link CircuitOpenException}: refused locally, the member's breaker being open. */
  CIRCUIT_OPEN,
  /** {@link UnauthenticatedException}: the connection's handshake failed authentication. */
  UNAUTHENTICATED,
  /** Any other error. */
  ERROR;

  /**
   * The outcome of a call that failed with {@code error}.
   *
   * @param error the failure, or {@code null} for success
   * @return the outcome
   */
  public static CallOutcome of(@Nullable Throwable error) {
    if (error == null) {
      return SUCCESS;
    }
    if (error instanceof NoSuchRouteException) {
      return NO_ROUTE;
    }
    if (error instanceof HandlerException) {
      return HANDLER_FAILED;
    }
    if (error instanceof CallTimeoutException) {
      return TIMEOUT;
    }
    if (error instanceof UnreachableException) {
      return UNREACHABLE;
    }
    if (error instanceof RejectedException) {
      return REJECTED;
    }
    if (error instanceof ConnectionClosedException) {
      return CONNECTION_CLOSED;
    }
    if (error instanceof PayloadTooLargeException) {
      return PAYLOAD_TOO_LARGE;
    }
    if (error instanceof InvalidRequestException) {
      return INVALID;
    }
    if (error instanceof OverflowException) {
      return OVERFLOW;
    }
    if (error instanceof CircuitOpenException) {
      return CIRCUIT_OPEN;
    }
    if (error instanceof UnauthenticatedException) {
      return UNAUTHENTICATED;
    }
    return ERROR;
  }
}
