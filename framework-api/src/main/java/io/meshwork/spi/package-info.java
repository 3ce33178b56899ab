/**
 * How {@link io.meshwork.Node#builder()} finds the engine: {@code framework-core} registers a
 * {@link io.meshwork.spi.NodeFactory} with {@link java.util.ServiceLoader}. Users do not touch
 * this package.
 */
@NullMarked
package io.meshwork.spi;

import org.jspecify.annotations.NullMarked;
