package io.github.jlitestream.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A store as far away as a real one, for restore benchmarks: a TCP proxy on loopback in
 * front of S3Proxy that adds a round trip to every request (the first bytes a client
 * sends after the store answered, on each connection) and caps each connection's download
 * bandwidth, as a single S3 stream is capped in practice. It does not parse HTTP: a
 * request is what a client sends between two answers, which holds for clients that do not
 * pipeline (neither the AWS SDKs nor Litestream do).
 */
final class LatencyProxy implements AutoCloseable {

	private static final int BUFFER = 64 * 1024;

	private final ServerSocket server;

	private final int targetPort;

	private final long latencyNanos;

	private final double bytesPerNano;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final AtomicBoolean closed = new AtomicBoolean();

	private LatencyProxy(ServerSocket server, int targetPort, long latencyMillis, long bytesPerSecond) {
		this.server = server;
		this.targetPort = targetPort;
		this.latencyNanos = latencyMillis * 1_000_000;
		this.bytesPerNano = bytesPerSecond / 1e9;
	}

	/**
	 * Starts a proxy to {@code targetPort} on loopback.
	 * @param latencyMillis added before each request
	 * @param bytesPerSecond the most each connection downloads per second
	 */
	static LatencyProxy start(int targetPort, long latencyMillis, long bytesPerSecond) throws IOException {
		ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
		LatencyProxy proxy = new LatencyProxy(server, targetPort, latencyMillis, bytesPerSecond);
		Thread acceptor = new Thread(proxy::accept, "latency-proxy-accept");
		acceptor.setDaemon(true);
		acceptor.start();
		return proxy;
	}

	URI endpoint() {
		return URI.create("http://127.0.0.1:" + this.server.getLocalPort());
	}

	private void accept() {
		while (!this.closed.get()) {
			try {
				Socket client = this.server.accept();
				Socket target = new Socket();
				target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.targetPort));
				client.setTcpNoDelay(true);
				target.setTcpNoDelay(true);
				this.sockets.add(client);
				this.sockets.add(target);
				Connection connection = new Connection();
				start(() -> pump(client, target, connection, true));
				start(() -> pump(target, client, connection, false));
			}
			catch (IOException ex) {
				if (!this.closed.get()) {
					System.err.println("latency proxy: " + ex.getMessage());
				}
			}
		}
	}

	private static void start(Runnable pump) {
		Thread thread = new Thread(pump, "latency-proxy-pump");
		thread.setDaemon(true);
		thread.start();
	}

	/**
	 * Copies one direction of a connection: requests wait for the latency when they
	 * start, answers go no faster than the bandwidth.
	 */
	private void pump(Socket from, Socket to, Connection connection, boolean request) {
		byte[] buffer = new byte[BUFFER];
		try (from; to) {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			int n;
			while ((n = in.read(buffer)) > 0) {
				if (request) {
					if (connection.answered) {
						connection.answered = false;
						LockSupport.parkNanos(this.latencyNanos);
					}
				}
				else {
					connection.answered = true;
					connection.pace(n, this.bytesPerNano);
				}
				out.write(buffer, 0, n);
				out.flush();
			}
		}
		catch (IOException ex) {
			// a side closed: the other pump ends too
		}
	}

	@Override
	public void close() throws IOException {
		this.closed.set(true);
		this.server.close();
		for (Socket socket : this.sockets) {
			socket.close();
		}
	}

	/** One client connection's state: whether the store answered since its request. */
	private static final class Connection {

		/**
		 * Set by the answer's pump, cleared by the request's: the first request counts.
		 */
		volatile boolean answered = true;

		/**
		 * When the bytes sent so far are due at the bandwidth; idle time gives no credit.
		 */
		private long next;

		/** Waits as long as {@code n} bytes take at the bandwidth. */
		void pace(int n, double bytesPerNano) {
			long now = System.nanoTime();
			this.next = Math.max(this.next, now) + (long) (n / bytesPerNano);
			if (this.next > now) {
				LockSupport.parkNanos(this.next - now);
			}
		}

	}

}
