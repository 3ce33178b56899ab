package io.meshwork.benchmarks;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A JMH state that holds this JVM's {@link Turns turn} for each iteration: a benchmark method that
 * takes it as a parameter runs its iterations only while the other systems' clients wait. The rows
 * that also meter CPU per iteration take and give the turn themselves, around the meter.
 */
@State(Scope.Benchmark)
public class TurnTaking {

  /** Takes the turn, unless the trial's set-up holds it already. */
  @Setup(Level.Iteration)
  public void take() {
    Turns.take();
  }

  /** Gives it back. */
  @TearDown(Level.Iteration)
  public void give() {
    Turns.give();
  }
}
