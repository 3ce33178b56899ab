package io.meshwork.core;

import io.meshwork.Node;
import io.meshwork.spi.NodeFactory;
import io.meshwork.spi.NodeOptions;

/**
 * The engine's entry point, registered with {@link java.util.ServiceLoader} so that {@code
 * Node.builder().build()} creates Meshwork nodes. Not for direct use.
 */
public final class DefaultNodeFactory implements NodeFactory {

  /** Called by {@link java.util.ServiceLoader}. */
  public DefaultNodeFactory() {}

  @Override
  public Node create(NodeOptions options) {
    return new ClusterNode(options);
  }
}
