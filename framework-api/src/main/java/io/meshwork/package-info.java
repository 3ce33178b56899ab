/**
 * The user's vocabulary of Meshwork: a {@link io.meshwork.Node} built with a {@link
 * io.meshwork.NodeBuilder}, the values it exchanges ({@link io.meshwork.Message}, {@link
 * io.meshwork.NodeId}, {@link io.meshwork.Address}, {@link io.meshwork.Target}) and the handlers
 * that serve routes.
 *
 * <p>Depends on reactor-core only; no Netty, RSocket or Micrometer type appears here.
 */
@NullMarked
package io.meshwork;

import org.jspecify.annotations.NullMarked;
