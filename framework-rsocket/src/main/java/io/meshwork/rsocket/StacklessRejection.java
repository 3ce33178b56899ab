package io.meshwork.rsocket;

import io.rsocket.exceptions.RejectedException;

/**
 * rsocket-java's {@code REJECTED} error without a stack trace: what an overloaded node hands to
 * RSocket to put on the wire. Only its code and message travel, and an overloaded node sends it
 * in bulk, so filling a stack trace would be pure cost.
 */
final class StacklessRejection extends RejectedException {

  private static final long serialVersionUID = 1L;

  StacklessRejection(String message) {
    super(message);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this; // the stack is RSocket's and ours, never the caller's: nothing to learn from it
  }
}
