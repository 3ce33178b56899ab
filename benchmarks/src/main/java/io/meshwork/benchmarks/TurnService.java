package io.meshwork.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Semaphore;

/**
 * The turn in {@link BenchServer} that the client JVMs of one benchmark class hand round, so that
 * {@code run.sh} can start every system's client at once and still measure one at a time: each
 * JMH iteration of each system runs while the others wait, so consecutive iterations of different
 * systems are seconds apart rather than minutes, and a change in the machine's load falls on all
 * of them alike. The turn is a fair semaphore: a client that gives it back and asks again queues
 * behind those already waiting, which makes the systems take turns round-robin.
 *
 * <p>The protocol, one byte each way over loopback TCP: the client sends {@code T} to ask and reads
 * {@code G} once it holds the turn; it sends {@code R} to give it back. A connection that closes
 * gives back the turn it held, so a client JVM that dies or is killed cannot stop the others.
 * Benchmark infrastructure: a blocking thread per connection, off every event loop.
 *
 * @see Turns
 */
final class TurnService implements AutoCloseable {

  private final ServerSocket socket;
  private final Semaphore turn = new Semaphore(1, true);

  private TurnService(ServerSocket socket) {
    this.socket = socket;
  }

  /**
   * Listens on 127.0.0.1.
   *
   * @param port the port
   * @return the running service
   * @throws IOException if it cannot bind
   */
  static TurnService start(int port) throws IOException {
    ServerSocket socket = new ServerSocket(port, 50, InetAddress.getByName(Ports.HOST));
    TurnService service = new TurnService(socket);
    Thread acceptor = new Thread(service::accept, "bench-turns");
    acceptor.setDaemon(true);
    acceptor.start();
    return service;
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        Thread t = new Thread(() -> serve(client), "bench-turn-" + client.getPort());
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client) {
    boolean holding = false;
    int turns = 0;
    long waitedNanos = 0;
    try (client;
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream()) {
      client.setTcpNoDelay(true);
      int c;
      while ((c = in.read()) != -1) {
        if (c == 'T' && !holding) {
          long asked = System.nanoTime();
          turn.acquire();
          waitedNanos += System.nanoTime() - asked;
          turns++;
          holding = true;
          out.write('G');
          out.flush();
        } else if (c == 'R' && holding) {
          holding = false;
          turn.release();
        }
      }
    } catch (IOException e) {
      // the client went away: give back what it held
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (holding) {
        turn.release();
      }
      System.out.printf(
          "turns: client :%d took %d turns, waited %.1f s in all%n",
          client.getPort(), turns, waitedNanos / 1e9);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
