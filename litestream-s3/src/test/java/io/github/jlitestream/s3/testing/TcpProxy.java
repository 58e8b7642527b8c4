package io.github.jlitestream.s3.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback in front of a server, which a test can cut: every open
 * connection is closed and new ones are closed at once, as when the network to the store
 * fails for one client while others still reach it.
 */
public final class TcpProxy implements AutoCloseable {

	private final ServerSocket server;

	private final int targetPort;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private final Thread acceptor;

	private volatile boolean cut;

	private volatile boolean stalled;

	private TcpProxy(int targetPort) throws IOException {
		this.targetPort = targetPort;
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.acceptor = new Thread(this::accept, "tcp-proxy-" + this.server.getLocalPort());
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/** Starts a proxy to {@code 127.0.0.1:targetPort} on a free port. */
	public static TcpProxy to(int targetPort) throws IOException {
		return new TcpProxy(targetPort);
	}

	/** The proxy's endpoint. */
	public URI endpoint() {
		return URI.create("http://127.0.0.1:" + this.server.getLocalPort());
	}

	/** Closes every connection and refuses new ones until {@link #heal()}. */
	public void cut() {
		this.cut = true;
		this.sockets.forEach(TcpProxy::closeQuietly);
	}

	/**
	 * Accepts new connections but forwards nothing on them, as a store that stopped
	 * answering: requests wait for their timeouts. {@link #heal()} ends it for new
	 * connections.
	 */
	public void stall() {
		this.stalled = true;
		this.sockets.forEach(TcpProxy::closeQuietly);
	}

	/**
	 * Accepts and forwards connections again; connections held by {@link #stall()} are
	 * closed, so that their requests fail at once.
	 */
	public void heal() {
		this.cut = false;
		if (this.stalled) {
			this.stalled = false;
			this.sockets.forEach(TcpProxy::closeQuietly);
		}
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		this.sockets.forEach(TcpProxy::closeQuietly);
		try {
			this.acceptor.join(5_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				if (this.cut) {
					closeQuietly(client);
					continue;
				}
				if (this.stalled) {
					// held open, never answered; closed with the proxy
					this.sockets.add(client);
					continue;
				}
				Socket upstream = new Socket();
				try {
					upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.targetPort), 5_000);
				}
				catch (IOException ex) {
					// the target refused: the client sees its connection closed at once
					closeQuietly(upstream);
					closeQuietly(client);
					continue;
				}
				this.sockets.add(client);
				this.sockets.add(upstream);
				pump(client, upstream);
				pump(upstream, client);
			}
			catch (IOException ex) {
				// the proxy is closed
			}
		}
	}

	private void pump(Socket from, Socket to) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[64 * 1024];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// one side closed
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
				this.sockets.remove(from);
				this.sockets.remove(to);
			}
		}, "tcp-proxy-pump");
		thread.setDaemon(true);
		thread.start();
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// closed already
		}
	}

}
