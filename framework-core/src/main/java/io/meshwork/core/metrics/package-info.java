/**
 * Metrics: {@link io.meshwork.core.metrics.MicrometerMetrics} records a node's calls, messages,
 * retries and drops in a Micrometer registry; {@link io.meshwork.core.metrics.Metered} times a
 * call for whichever {@code NodeMetrics.Recorder} the node has.
 *
 * <p>May depend on framework-api, reactor-core and (optionally, for {@code MicrometerMetrics}
 * only) micrometer-core.
 */
@NullMarked
package io.meshwork.core.metrics;

import org.jspecify.annotations.NullMarked;
