package io.meshwork.testkit.sim;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * What the network does to each message, drawn per message from the simulation's seed.
 *
 * <pre>{@code
 * Faults.none();                                                  // 1 ms, nothing lost
 * Faults.lossy(0.10).delay(Duration.ofMillis(1), Duration.ofMillis(50)).duplicates(0.01);
 * Faults.random(new SplittableRandom(seed));                      // a mix drawn from the seed
 * }</pre>
 *
 * @param loss the probability that a message is lost, 0 to 1
 * @param minDelay the shortest delivery delay
 * @param maxDelay the longest; delays are uniform in between, so messages can overtake each other
 * @param duplication the probability that a fire-and-forget message is delivered twice
 */
public record Faults(double loss, Duration minDelay, Duration maxDelay, double duplication) {

  /** Validates the fields. */
  public Faults {
    Objects.requireNonNull(minDelay, "minDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (!(loss >= 0 && loss <= 1) || !(duplication >= 0 && duplication <= 1)) {
      throw new IllegalArgumentException(
          "loss and duplication must be 0 to 1, got " + loss + " and " + duplication);
    }
    if (minDelay.isNegative() || maxDelay.compareTo(minDelay) < 0) {
      throw new IllegalArgumentException(
          "delays must satisfy 0 <= min <= max, got " + minDelay + " and " + maxDelay);
    }
  }

  /**
   * A perfect network with a 1 ms delay.
   *
   * @return the faults
   */
  public static Faults none() {
    return new Faults(0, Duration.ofMillis(1), Duration.ofMillis(1), 0);
  }

  /**
   * Messages lost with a probability, delayed 1 to 10 ms.
   *
   * @param loss 0 to 1
   * @return the faults
   */
  public static Faults lossy(double loss) {
    return new Faults(loss, Duration.ofMillis(1), Duration.ofMillis(10), 0);
  }

  /**
   * A mix drawn from a seed: up to 20 % loss, up to 5 % duplication, delays up to 100 ms.
   *
   * @param random the seed's generator
   * @return the faults
   */
  public static Faults random(RandomGenerator random) {
    long min = random.nextLong(0, 5);
    return new Faults(
        random.nextDouble() * 0.2,
        Duration.ofMillis(min),
        Duration.ofMillis(min + random.nextLong(0, 100)),
        random.nextDouble() * 0.05);
  }

  /**
   * These faults with other delays.
   *
   * @param min the shortest
   * @param max the longest
   * @return new faults
   */
  public Faults delay(Duration min, Duration max) {
    return new Faults(loss, min, max, duplication);
  }

  /**
   * These faults with another duplication probability.
   *
   * @param probability 0 to 1
   * @return new faults
   */
  public Faults duplicates(double probability) {
    return new Faults(loss, minDelay, maxDelay, probability);
  }
}
