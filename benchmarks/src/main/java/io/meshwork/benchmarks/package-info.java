/**
 * JMH benchmarks of Meshwork beside raw rsocket-java and gRPC-java, with the servers in their own
 * process ({@link io.meshwork.benchmarks.BenchServer}), one harness for every system ({@link
 * io.meshwork.benchmarks.Window}) and a report generator ({@link io.meshwork.benchmarks.Report}).
 * {@code benchmarks/run.sh} runs it all.
 */
@NullMarked
package io.meshwork.benchmarks;

import org.jspecify.annotations.NullMarked;
