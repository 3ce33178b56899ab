package io.meshwork.spi;

import io.meshwork.Node;

/**
 * Builds nodes from options; implemented by the engine and found through {@link
 * java.util.ServiceLoader}.
 */
public interface NodeFactory {

  /**
   * Creates a node, not yet started.
   *
   * @param options validated options
   * @return the node
   */
  Node create(NodeOptions options);
}
