package io.meshwork.testkit.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.NodeId;
import io.meshwork.core.metrics.MicrometerMetrics;
import io.meshwork.membership.MemberStatus;
import io.meshwork.membership.MembershipEvent.Type;
import io.meshwork.membership.MembershipOptions;
import io.meshwork.testkit.sim.SimCluster;
import io.meshwork.testkit.sim.SimCluster.SimNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an operator watching {@code meshwork.members} and {@code meshwork.membership.changes}
 * sees, on the simulated network: the gauges follow each node's view, and the counters match, type
 * by type, the events {@code membership().events()} reported on that node (the replay of a node's
 * own entry to its subscriber excluded).
 */
class MembershipMetricsTest {

  private static final Duration LIMIT = Duration.ofMinutes(2);

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void gaugesAndCountersFollowTheView(long seed) {
    List<MeterRegistry> registries = new ArrayList<>();
    SimCluster c =
        SimCluster.seeded(seed, MembershipOptions.defaults())
            .configure(
                b -> {
                  MeterRegistry r = new SimpleMeterRegistry();
                  registries.add(r);
                  return b.metrics(MicrometerMetrics.of(r));
                })
            .start(5);
    c.runUntil(SimCluster::converged, LIMIT);
    for (int i = 0; i < 5; i++) {
      assertThat(members(registries.get(i), MemberStatus.ALIVE)).as("n%d, seed %d", i, seed).isEqualTo(5);
      assertThat(members(registries.get(i), MemberStatus.SUSPECT)).isZero();
      assertThat(changes(registries.get(i), Type.JOINED)).as("n%d, seed %d", i, seed).isGreaterThanOrEqualTo(4);
    }

    c.node(4).crash();
    c.runUntil(x -> x.allSee(NodeId.of("n4"), MemberStatus.DEAD), LIMIT);
    for (int i = 0; i < 4; i++) {
      MeterRegistry r = registries.get(i);
      assertThat(members(r, MemberStatus.ALIVE)).as("n%d, seed %d", i, seed).isEqualTo(4);
      assertThat(members(r, MemberStatus.DEAD)).as("n%d, seed %d", i, seed).isEqualTo(1);
      assertThat(changes(r, Type.DEAD)).as("n%d, seed %d", i, seed).isEqualTo(1);
      assertThat(changes(r, Type.SUSPECTED)).as("n%d, seed %d", i, seed).isGreaterThanOrEqualTo(1);
    }

    SimNode leaver = c.node(3);
    leaver.shutdown();
    c.runUntil(x -> SimCluster.allOf(x.running(), leaver.id(), MemberStatus.LEFT), LIMIT);
    for (int i = 0; i < 3; i++) {
      MeterRegistry r = registries.get(i);
      assertThat(members(r, MemberStatus.ALIVE)).as("n%d, seed %d", i, seed).isEqualTo(3);
      assertThat(members(r, MemberStatus.LEFT)).as("n%d, seed %d", i, seed).isEqualTo(1);
      assertThat(changes(r, Type.LEFT)).as("n%d, seed %d", i, seed).isEqualTo(1);
    }
    assertThat(registries.get(3).find("meshwork.members").gauges())
        .as("a stopped node's gauges leave its registry")
        .isEmpty();

    for (int i = 0; i < 5; i++) {
      for (Type type : Type.values()) {
        assertThat(changes(registries.get(i), type))
            .as("n%d %s against its events, seed %d", i, type, seed)
            .isEqualTo(reported(c, "n" + i, type));
      }
    }
    c.stop();
  }

  private static double members(MeterRegistry r, MemberStatus status) {
    return r.get("meshwork.members")
        .tag("status", status.name().toLowerCase(Locale.ROOT))
        .gauge()
        .value();
  }

  private static double changes(MeterRegistry r, Type type) {
    return r.get("meshwork.membership.changes")
        .tag("type", type.name().toLowerCase(Locale.ROOT))
        .counter()
        .count();
  }

  /** The events of {@code type} node {@code name} reported about others (not its own replay). */
  private static double reported(SimCluster c, String name, Type type) {
    String prefix = "ms " + name + " " + type + " ";
    return c.events().stream()
        .filter(e -> e.contains(prefix) && !e.contains(prefix + name + "@"))
        .count();
  }
}
