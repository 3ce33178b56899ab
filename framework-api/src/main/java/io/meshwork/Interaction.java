package io.meshwork;

/** The four RSocket interaction models a route may serve. */
public enum Interaction {
  /** One message, no answer: at-most-once, the sender learns nothing of the outcome. */
  FIRE_AND_FORGET,
  /** One message in, one message (or an error) out. */
  REQUEST_RESPONSE,
  /** One message in, a stream of messages out, bounded by the caller's demand. */
  REQUEST_STREAM,
  /** Streams both ways, each bounded by the other side's demand. */
  REQUEST_CHANNEL
}
