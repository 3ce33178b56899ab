/**
 * What users and transport authors test with: {@link io.meshwork.testkit.TransportContract}, the
 * suite every transport must pass (the in-memory and RSocket transports run it; a transport of
 * your own can too). Later: the simulated cluster.
 *
 * <p>May depend on framework-api, framework-core, reactor-test, JUnit Jupiter's API and AssertJ.
 */
@NullMarked
package io.meshwork.testkit;

import org.jspecify.annotations.NullMarked;
