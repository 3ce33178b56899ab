package io.meshwork.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A client JVM's side of {@link TurnService}: {@link #take} before measured or warm-up work,
 * {@link #give} after it. Off unless {@code -Dmeshwork.bench.turns=true} (set by {@code run.sh}
 * when it interleaves), in which case both do nothing, so a row run by hand needs no server turn.
 * Both are idempotent: the trial set-up takes the turn and the first iteration's set-up finds it
 * held; each iteration's tear-down gives it back.
 */
final class Turns {

  /** The system property that switches turns on. */
  static final String PROPERTY = "meshwork.bench.turns";

  private static final boolean ON = Boolean.getBoolean(PROPERTY);
  /** How long a client waits for its turn before failing the row: far beyond any other's turn. */
  private static final int WAIT_MILLIS = (int) TimeUnit.MINUTES.toMillis(30);

  private static @Nullable Socket socket;
  private static boolean held;

  private Turns() {}

  /** Waits for this JVM's turn, unless it holds it already. */
  static synchronized void take() {
    if (!ON || held) {
      return;
    }
    try {
      Socket s = connected();
      OutputStream out = s.getOutputStream();
      out.write('T');
      out.flush();
      InputStream in = s.getInputStream();
      int reply = in.read();
      if (reply != 'G') {
        throw new IllegalStateException("The turn service answered " + reply + " instead of G");
      }
      held = true;
    } catch (IOException e) {
      throw new UncheckedIOException("No turn from the bench server", e);
    }
  }

  /** Gives the turn back, if this JVM holds it. */
  static synchronized void give() {
    if (!ON || !held) {
      return;
    }
    held = false;
    try {
      OutputStream out = connected().getOutputStream();
      out.write('R');
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not give the turn back", e);
    }
  }

  /**
   * Runs {@code work} in a turn of its own, such as a trial's tear-down.
   *
   * @param work what to run while the other clients wait
   */
  static void inTurn(Runnable work) {
    take();
    try {
      work.run();
    } finally {
      give();
    }
  }

  /**
   * The turn service's port: {@code -Dmeshwork.bench.turnsPort}, else the one of this client's
   * server. Clients of two servers (an A/B of a server-side change) share one turn that way.
   */
  private static int port() {
    return Integer.getInteger("meshwork.bench.turnsPort", Ports.port(Ports.TURNS));
  }

  private static Socket connected() throws IOException {
    Socket s = socket;
    if (s == null) {
      s = new Socket();
      s.setTcpNoDelay(true);
      s.setSoTimeout(WAIT_MILLIS);
      s.connect(new InetSocketAddress(Ports.HOST, port()), 10_000);
      socket = s;
    }
    return s;
  }
}
