package io.meshwork.testkit.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.Handlers;
import io.meshwork.Message;
import io.meshwork.Node;
import io.meshwork.NodeId;
import io.meshwork.Target;
import io.meshwork.membership.Member;
import io.meshwork.membership.MemberStatus;
import io.meshwork.membership.MembershipOptions;
import io.meshwork.testkit.sim.SimCluster;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Target.key over the simulated network: requests land on the key's owner, which all agree on. */
@DisplayName("Key routing: a key's requests land on its owner on the consistent-hash ring")
class KeyRoutingTest {

  private static final Duration LIMIT = Duration.ofMinutes(2);

  private static String served(SimCluster c, Node caller, String key) {
    CompletableFuture<Message> r =
        caller.request(Target.key(key), Message.of("cart", key)).toFuture();
    c.runUntil(x -> r.isDone(), LIMIT);
    return r.join().sender().value();
  }

  @Test
  @DisplayName("every node sends a key to the same owner; when the owner dies its keys move to the next replica")
  void keysLandOnTheirOwner() {
    SimCluster c =
        SimCluster.seeded(11, MembershipOptions.defaults())
            .configure(b -> b.route("cart", Handlers.requestResponse(m -> Mono.just(m.reply("ok")))))
            .start(6);
    c.runUntil(SimCluster::converged, LIMIT);
    Node a = c.node(0).node();
    Node b = c.node(4).node();
    Set<String> owners = new HashSet<>();
    for (int k = 0; k < 100; k++) {
      String key = "user-" + k;
      List<Member> replicas = a.membership().owners("cart", key, 3);
      assertThat(replicas).hasSize(3).doesNotHaveDuplicates();
      assertThat(b.membership().owners("cart", key, 3)).isEqualTo(replicas);
      String owner = replicas.get(0).id().value();
      assertThat(served(c, a, key)).isEqualTo(owner);
      assertThat(served(c, b, key)).isEqualTo(owner);
      owners.add(owner);
    }
    assertThat(owners).hasSize(6); // 100 keys reach every member

    // the owner of user-7 dies: once it is out of the view, user-7 goes to its next replica
    List<Member> before = a.membership().owners("cart", "user-7", 2);
    int victim = Integer.parseInt(before.get(0).id().value().substring(1));
    assertThat(victim).isNotZero().isNotEqualTo(4); // not one of the callers (seed 11)
    c.node(victim).crash();
    c.runUntil(x -> x.allSee(before.get(0).id(), MemberStatus.DEAD), LIMIT);
    assertThat(served(c, a, "user-7")).isEqualTo(before.get(1).id().value());
    assertThat(served(c, b, "user-7")).isEqualTo(before.get(1).id().value());
    c.stop();
  }
}
