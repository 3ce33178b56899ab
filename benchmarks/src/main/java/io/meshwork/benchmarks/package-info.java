/** JMH benchmarks of Meshwork beside raw rsocket-java. */
@NullMarked
package io.meshwork.benchmarks;

import org.jspecify.annotations.NullMarked;
