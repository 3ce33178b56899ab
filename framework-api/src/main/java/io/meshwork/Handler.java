package io.meshwork;

/**
 * What serves a route: one of the four interaction models. Register handlers with {@link
 * NodeBuilder#route(String, Handler)}; a route may serve several interaction models, one handler
 * each.
 *
 * <p>Handlers are called on the transport thread that delivered the message and must not block
 * it: return a publisher and let it do the work, or move blocking work to a scheduler of your own
 * with {@code subscribeOn}. An exception a handler throws, or an error its publisher signals,
 * reaches the caller as {@link io.meshwork.error.HandlerException} with the error's type and
 * message; it never takes the node down.
 *
 * @see Handlers
 */
public sealed interface Handler
    permits FireAndForgetHandler,
        RequestResponseHandler,
        RequestStreamHandler,
        RequestChannelHandler {

  /**
   * The interaction model this handler serves.
   *
   * @return the interaction model
   */
  Interaction interaction();
}
