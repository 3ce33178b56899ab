package io.meshwork.testkit.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * One simulated host's view of the network's virtual clock: its timers and protocol loop run on
 * the shared clock, but the host can be paused (a GC or VM pause) or halted (a crash: nothing of
 * it runs again). Not thread-safe, like the simulation.
 *
 * <p>Messages to the host are delivered through it too ({@link SimulatedNetwork} hands them over),
 * so a paused host neither answers nor runs handlers. What falls due during a pause waits, and on
 * resume runs in the order least kind to a failure detector: first the overdue timers (as a
 * process waking from a pause fires them), then what arrived meanwhile, as if read from the
 * socket after.
 */
final class HostScheduler implements Scheduler {

  private final VirtualTimeScheduler clock;
  private final List<Runnable> heldTimers = new ArrayList<>();
  private final List<Runnable> heldArrivals = new ArrayList<>();
  private boolean paused;
  private boolean halted;

  HostScheduler(VirtualTimeScheduler clock) {
    this.clock = clock;
  }

  void pause() {
    paused = true;
  }

  /** Runs, now, everything that fell due while paused: overdue timers first, then arrivals. */
  void resume() {
    paused = false;
    List<Runnable> due = new ArrayList<>(heldTimers);
    due.addAll(heldArrivals);
    heldTimers.clear();
    heldArrivals.clear();
    for (Runnable task : due) {
      if (!halted) {
        task.run();
      }
    }
  }

  void halt() {
    halted = true;
    heldTimers.clear();
    heldArrivals.clear();
  }

  boolean isPaused() {
    return paused;
  }

  private Runnable gated(Runnable task, boolean timer) {
    return () -> {
      if (halted) {
        return;
      }
      if (paused) {
        (timer ? heldTimers : heldArrivals).add(task);
      } else {
        task.run();
      }
    };
  }

  @Override
  public Disposable schedule(Runnable task) {
    return halted ? Disposables.disposed() : clock.schedule(gated(task, false));
  }

  @Override
  public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
    return halted ? Disposables.disposed() : clock.schedule(gated(task, true), delay, unit);
  }

  @Override
  public Disposable schedulePeriodically(
      Runnable task, long initialDelay, long period, TimeUnit unit) {
    return halted
        ? Disposables.disposed()
        : clock.schedulePeriodically(gated(task, true), initialDelay, period, unit);
  }

  @Override
  public long now(TimeUnit unit) {
    return clock.now(unit);
  }

  @Override
  public Worker createWorker() {
    Worker inner = clock.createWorker();
    return new Worker() {
      @Override
      public Disposable schedule(Runnable task) {
        return inner.schedule(gated(task, false));
      }

      @Override
      public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        return inner.schedule(gated(task, true), delay, unit);
      }

      @Override
      public Disposable schedulePeriodically(
          Runnable task, long initialDelay, long period, TimeUnit unit) {
        return inner.schedulePeriodically(gated(task, true), initialDelay, period, unit);
      }

      @Override
      public void dispose() {
        inner.dispose();
      }

      @Override
      public boolean isDisposed() {
        return inner.isDisposed();
      }
    };
  }
}
