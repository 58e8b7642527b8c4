package io.github.jlitestream.faults;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP proxy on loopback between the engine and S3Proxy that misbehaves on
 * purpose, the way real stores and networks do: it answers some requests with HTTP 500 or
 * 503 SlowDown, resets the connection half-way through an upload's body, holds a request
 * without ever answering (until the client's timeout), and adds latency to every request.
 * Each connection carries one request (the proxy asks both sides to close after it), so
 * that every request is seen and counted. Faults are drawn from a seeded random.
 */
final class FaultProxy implements AutoCloseable {

	/** What the proxy does to the requests it picks. */
	enum Fault {

		/** Nothing: every request is forwarded. */
		NONE,

		/** HTTP 500 InternalError, before the request reaches the store. */
		INTERNAL_ERROR,

		/** HTTP 503 SlowDown, before the request reaches the store. */
		SLOW_DOWN,

		/**
		 * An upload's connection reset (TCP RST) after half of its body reached the
		 * store.
		 */
		RESET_MID_UPLOAD,

		/** The request is read and never answered, until the client gives up. */
		HANG

	}

	private final ServerSocket server;

	private final int targetPort;

	private final Random random;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private final AtomicLong requests = new AtomicLong();

	private final Map<Fault, AtomicLong> injected = new ConcurrentHashMap<>();

	private final Thread acceptor;

	private volatile Fault fault = Fault.NONE;

	private volatile double rate;

	private volatile long latencyMillis;

	FaultProxy(int targetPort, long seed) throws IOException {
		this.targetPort = targetPort;
		this.random = new Random(seed);
		this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
		this.acceptor = daemon(this::accept, "fault-proxy-" + this.server.getLocalPort());
	}

	URI endpoint() {
		return URI.create("http://127.0.0.1:" + this.server.getLocalPort());
	}

	/**
	 * From now on, {@code fault} for this fraction of the requests it applies to (uploads
	 * only for {@link Fault#RESET_MID_UPLOAD}).
	 */
	void inject(Fault fault, double rate) {
		this.fault = fault;
		this.rate = rate;
	}

	/** Adds this much latency to every request (0: none). */
	void latency(long millis) {
		this.latencyMillis = millis;
	}

	/** Every request seen, forwarded or not. */
	long requests() {
		return this.requests.get();
	}

	/** The faults injected so far, of this kind. */
	long injected(Fault kind) {
		AtomicLong count = this.injected.get(kind);
		return (count != null) ? count.get() : 0;
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		this.sockets.forEach(FaultProxy::closeQuietly);
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
				this.sockets.add(client);
				daemon(() -> handle(client), "fault-proxy-request");
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void handle(Socket client) {
		try {
			InputStream in = new BufferedInputStream(client.getInputStream());
			Request request = Request.read(in);
			if (request == null) {
				return;
			}
			this.requests.incrementAndGet();
			Fault chosen = choose(request);
			if (this.latencyMillis > 0) {
				Thread.sleep(this.latencyMillis);
			}
			switch (chosen) {
				case INTERNAL_ERROR -> answer(client, in, request, 500, "Internal Server Error", "InternalError",
						"We encountered an internal error. Please try again. (injected)");
				case SLOW_DOWN -> answer(client, in, request, 503, "Slow Down", "SlowDown",
						"Please reduce your request rate. (injected)");
				case HANG -> hang(client, in);
				case RESET_MID_UPLOAD -> forward(client, in, request, request.contentLength() / 2);
				default -> forward(client, in, request, -1);
			}
		}
		catch (IOException ex) {
			// a side closed: the client sees a failed request
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			closeQuietly(client);
			this.sockets.remove(client);
		}
	}

	private Fault choose(Request request) {
		Fault current = this.fault;
		if (current == Fault.NONE || (current == Fault.RESET_MID_UPLOAD && !request.upload())) {
			return Fault.NONE;
		}
		if (current == Fault.INTERNAL_ERROR && !request.upload()) {
			return Fault.NONE;
		}
		boolean picked;
		synchronized (this.random) {
			picked = this.random.nextDouble() < this.rate;
		}
		if (!picked) {
			return Fault.NONE;
		}
		this.injected.computeIfAbsent(current, (f) -> new AtomicLong()).incrementAndGet();
		return current;
	}

	/**
	 * Answers with an S3 error document: at once when the client waits for
	 * {@code 100 Continue}, else after reading its body.
	 */
	private static void answer(Socket client, InputStream in, Request request, int status, String reason, String code,
			String message) throws IOException {
		if (!request.expectsContinue()) {
			in.readNBytes((int) Math.max(0, request.contentLength()));
		}
		byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
				+ "</Message><RequestId>fault-proxy</RequestId></Error>")
			.getBytes(StandardCharsets.UTF_8);
		String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/xml\r\nContent-Length: "
				+ body.length + "\r\nConnection: close\r\n\r\n";
		OutputStream out = client.getOutputStream();
		out.write(head.getBytes(StandardCharsets.US_ASCII));
		out.write(body);
		out.flush();
	}

	/** Holds the request unanswered until the client closes it (its timeout). */
	private static void hang(Socket client, InputStream in) throws IOException {
		byte[] buffer = new byte[8192];
		while (in.read(buffer) >= 0) {
			// drain until the client gives up
		}
	}

	/**
	 * Forwards the request to the store and the answer back; with {@code cutAfter} of at
	 * least 0, resets both connections once that many body bytes reached the store.
	 */
	private void forward(Socket client, InputStream in, Request request, long cutAfter) throws IOException {
		try (Socket upstream = new Socket()) {
			this.sockets.add(upstream);
			try {
				upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.targetPort), 5_000);
			}
			catch (IOException ex) {
				// the store is down: the client's connection is closed without an answer
				return;
			}
			OutputStream toStore = upstream.getOutputStream();
			toStore.write(request.head());
			toStore.flush();
			if (request.expectsContinue()) {
				// the store never sees the Expect header; the proxy lets the body come
				OutputStream toClient = client.getOutputStream();
				toClient.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				toClient.flush();
			}
			if (cutAfter >= 0) {
				toStore.write(in.readNBytes((int) cutAfter));
				toStore.flush();
				reset(upstream);
				reset(client);
				return;
			}
			Thread back = daemon(() -> pump(upstream, client), "fault-proxy-pump");
			byte[] buffer = new byte[64 * 1024];
			int read;
			try {
				while ((read = in.read(buffer)) >= 0) {
					toStore.write(buffer, 0, read);
					toStore.flush();
				}
			}
			catch (IOException ex) {
				// the client closed after the answer
			}
			try {
				back.join(60_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		finally {
			this.sockets.removeIf(Socket::isClosed);
		}
	}

	private static void pump(Socket from, Socket to) {
		byte[] buffer = new byte[64 * 1024];
		try {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
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
			closeQuietly(to);
			closeQuietly(from);
		}
	}

	private static void reset(Socket socket) {
		try {
			socket.setSoLinger(true, 0);
		}
		catch (IOException ex) {
			// closed already
		}
		closeQuietly(socket);
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

	private static Thread daemon(Runnable body, String name) {
		Thread thread = new Thread(body, name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	/**
	 * A request's line and headers, as read, with {@code Connection: close} set and
	 * without {@code Expect}.
	 */
	record Request(String method, byte[] head, long contentLength, boolean expectsContinue) {

		boolean upload() {
			return this.method.equals("PUT") || this.method.equals("POST");
		}

		/** Reads up to the end of the headers; null when the client closed first. */
		static Request read(InputStream in) throws IOException {
			ByteArrayOutputStream raw = new ByteArrayOutputStream();
			int matched = 0;
			int b;
			while (matched < 4 && (b = in.read()) >= 0) {
				raw.write(b);
				matched = (b == ((matched % 2 == 0) ? '\r' : '\n')) ? matched + 1 : ((b == '\r') ? 1 : 0);
			}
			if (matched < 4) {
				return null;
			}
			String[] lines = raw.toString(StandardCharsets.ISO_8859_1).split("\r\n");
			String method = lines[0].split(" ")[0];
			long length = 0;
			boolean expectsContinue = false;
			StringBuilder head = new StringBuilder(lines[0]).append("\r\n");
			for (int i = 1; i < lines.length; i++) {
				String line = lines[i];
				String name = line.contains(":") ? line.substring(0, line.indexOf(':')).trim().toLowerCase(Locale.ROOT)
						: "";
				if (name.equals("connection")) {
					continue;
				}
				if (name.equals("expect")) {
					expectsContinue = true;
					continue;
				}
				if (name.equals("content-length")) {
					length = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
				}
				head.append(line).append("\r\n");
			}
			head.append("Connection: close\r\n\r\n");
			return new Request(method, head.toString().getBytes(StandardCharsets.ISO_8859_1), length, expectsContinue);
		}

	}

}
