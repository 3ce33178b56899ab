/**
 * The simulated network: every node of a test in one JVM, on one virtual clock, with a seed that
 * decides the fate of every message (loss, delay, duplication, the order of deliveries due at the
 * same instant) and faults the test injects (partitions, one-way too, and crashes). The same seed
 * replays the same run, event for event: {@link io.meshwork.testkit.sim.SimulatedNetwork#traceHash()}
 * proves it. Production classes run in it: only the transport and the environment are simulated.
 *
 * <p>Single-threaded by design: everything runs on the test's thread while it advances the clock.
 * May depend on framework-api and reactor-core (and reactor-test's VirtualTimeScheduler).
 */
@NullMarked
package io.meshwork.testkit.sim;

import org.jspecify.annotations.NullMarked;
