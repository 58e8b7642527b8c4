package io.github.jlitestream.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.s3.S3ReplicaClient;
import org.jspecify.annotations.Nullable;

/**
 * Something that replicates the run's database while the writer writes: nothing, this
 * engine, or Litestream.
 */
interface Replicator extends AutoCloseable {

	/**
	 * The replicator's process when it runs in its own (for liveness checks), else null.
	 */
	default @Nullable Process process() {
		return null;
	}

	/** Stops it; a graceful stop uploads what is left. */
	@Override
	void close();

	/** How a setup replicates. */
	enum Kind {

		/** SQLite alone. */
		NONE,

		/** This engine in the benchmark's JVM ({@link ReplicationManager}). */
		ENGINE,

		/** This engine alone in a child JVM (for CPU and memory figures). */
		ENGINE_PROCESS,

		/** {@code litestream replicate -config} v0.3.13. */
		LITESTREAM

	}

	/**
	 * One alternative of a comparison.
	 *
	 * @param label its name in the report
	 * @param kind how it replicates
	 * @param syncInterval the replica's sync interval, null for the default (1 s for
	 * both)
	 * @param jvmArguments options of the child JVM ({@link Kind#ENGINE_PROCESS} only)
	 */
	record Setup(String label, Kind kind, @Nullable Duration syncInterval, List<String> jvmArguments) {

		static Setup sqliteAlone() {
			return new Setup("SQLite alone", Kind.NONE, null, List.of());
		}

		static Setup engine(@Nullable Duration syncInterval) {
			return new Setup("this engine, sync " + interval(syncInterval), Kind.ENGINE, syncInterval, List.of());
		}

		static Setup engineProcess(String label, List<String> jvmArguments) {
			return new Setup(label, Kind.ENGINE_PROCESS, null, jvmArguments);
		}

		static Setup litestream(@Nullable Duration syncInterval) {
			return new Setup("litestream v0.3.13, sync " + interval(syncInterval), Kind.LITESTREAM, syncInterval,
					List.of());
		}

		private static String interval(@Nullable Duration syncInterval) {
			Duration d = (syncInterval != null) ? syncInterval : ReplicaOptions.DEFAULT_SYNC_INTERVAL;
			return (d.toMillis() % 1000 == 0) ? d.toSeconds() + " s" : d.toMillis() + " ms";
		}

		/** Starts replicating the run's database, which must exist. */
		Replicator start(Env env, Env.Run run) throws IOException {
			return switch (this.kind) {
				case NONE -> () -> {
				};
				case ENGINE -> InProcessEngine.start(env, run, this.syncInterval);
				case ENGINE_PROCESS -> ChildEngine.start(env, run, this.syncInterval, this.jvmArguments);
				case LITESTREAM -> LitestreamProcess.start(env, run, this.syncInterval);
			};
		}

	}

	/**
	 * CPU time of this JVM's engine threads (named {@code litestream-...}), from
	 * {@link ThreadMXBean}.
	 */
	static long engineThreadsCpuNanos() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long total = 0;
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().startsWith("litestream-")) {
				long cpu = threads.getThreadCpuTime(thread.getId());
				total += Math.max(0, cpu);
			}
		}
		return total;
	}

	/**
	 * This engine in the benchmark's JVM, with every default except the sync interval
	 * when given.
	 */
	final class InProcessEngine implements Replicator {

		private final ReplicationManager manager;

		private final S3ReplicaClient client;

		private InProcessEngine(ReplicationManager manager, S3ReplicaClient client) {
			this.manager = manager;
			this.client = client;
		}

		static InProcessEngine start(Env env, Env.Run run, @Nullable Duration syncInterval) {
			S3ReplicaClient client = env.factory().create(run.url());
			ReplicaOptions.Builder options = ReplicaOptions.builder("s3");
			if (syncInterval != null) {
				options.syncInterval(syncInterval);
			}
			ReplicationManager manager = new ReplicationManager();
			try {
				manager.add("bench", DatabaseOptions.of(run.database()),
						List.of(new ReplicationManager.ReplicaSpec(client, options.build())));
				manager.start();
			}
			catch (RuntimeException ex) {
				manager.stop();
				client.close();
				throw ex;
			}
			return new InProcessEngine(manager, client);
		}

		@Override
		public void close() {
			try {
				if (!this.manager.stop()) {
					System.err.println("warning: the engine's final sync was incomplete");
				}
			}
			finally {
				this.client.close();
			}
		}

	}

	/**
	 * {@code litestream replicate -config} with defaults, except the sync interval when
	 * given.
	 */
	final class LitestreamProcess implements Replicator {

		private final Process process;

		private LitestreamProcess(Process process) {
			this.process = process;
		}

		static LitestreamProcess start(Env env, Env.Run run, @Nullable Duration syncInterval) throws IOException {
			Path config = env.litestreamConfig(run.dir(), run.database(), run.bucket(), run.prefix(), syncInterval);
			ProcessBuilder builder = new ProcessBuilder(env.litestreamBinary().toString(), "replicate", "-config",
					config.toString())
				.directory(run.dir().toFile())
				.redirectErrorStream(true)
				.redirectOutput(run.dir().resolve("litestream.log").toFile());
			return new LitestreamProcess(Env.startProcess(builder));
		}

		@Override
		public Process process() {
			return this.process;
		}

		@Override
		public void close() {
			Env.stopProcess(this.process, Duration.ofSeconds(30));
		}

	}

	/**
	 * This engine alone in a child JVM ({@link EngineProcess}), so that its CPU time and
	 * resident memory can be read from {@code /proc} exactly as Litestream's are.
	 */
	final class ChildEngine implements Replicator {

		private final Process process;

		private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

		private final OutputStream stdin;

		private ChildEngine(Process process) {
			this.process = process;
			this.stdin = process.getOutputStream();
			Thread reader = new Thread(() -> {
				try (BufferedReader in = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = in.readLine()) != null) {
						this.lines.add(line);
					}
				}
				catch (IOException ex) {
					// the child is gone
				}
			}, "benchmark-child-reader");
			reader.setDaemon(true);
			reader.start();
		}

		static ChildEngine start(Env env, Env.Run run, @Nullable Duration syncInterval, List<String> jvmArguments)
				throws IOException {
			List<String> command = new ArrayList<>();
			command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			command.addAll(jvmArguments);
			// For profiling the engine alone, e.g.
			// -Dbenchmarks.engineJvmOptions=-XX:StartFlightRecording=filename=/tmp/jfr/
			String extra = System.getProperty("benchmarks.engineJvmOptions", "").trim();
			if (!extra.isEmpty()) {
				command.addAll(List.of(extra.split("\\s+")));
			}
			command.add("-cp");
			command.add(absoluteClassPath());
			command.add(EngineProcess.class.getName());
			command.add(run.database().toString());
			command.add(env.server().endpoint().toString());
			command.add(env.server().accessKey());
			command.add(env.server().secretKey());
			command.add(run.bucket());
			command.add(run.prefix());
			command.add((syncInterval != null) ? Long.toString(syncInterval.toMillis()) : "default");
			ProcessBuilder builder = new ProcessBuilder(command).directory(run.dir().toFile())
				.redirectError(run.dir().resolve("engine.log").toFile());
			ChildEngine child = new ChildEngine(Env.startProcess(builder));
			String started = child.await("started", Duration.ofSeconds(60));
			if (started == null) {
				child.close();
				throw new IllegalStateException("the engine's child JVM did not start: " + child.log(run));
			}
			return child;
		}

		private String log(Env.Run run) {
			try {
				return Files.readString(run.dir().resolve("engine.log"));
			}
			catch (IOException ex) {
				return "(no log)";
			}
		}

		private static String absoluteClassPath() {
			List<String> entries = new ArrayList<>();
			for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
				if (!entry.isBlank()) {
					entries.add(Path.of(entry).toAbsolutePath().toString());
				}
			}
			return String.join(File.pathSeparator, entries);
		}

		@Override
		public Process process() {
			return this.process;
		}

		/**
		 * Asks the child for its figures: CPU time of its engine threads, its whole CPU
		 * time, and the sum of its heap pools' peak usage, in that order.
		 */
		long[] mark() throws IOException {
			send("mark");
			String reply = await("mark", Duration.ofSeconds(30));
			if (reply == null) {
				throw new IllegalStateException("the engine's child JVM did not answer");
			}
			String[] parts = reply.split(" ");
			return new long[] { Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3]) };
		}

		private void send(String command) throws IOException {
			this.stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
			this.stdin.flush();
		}

		private @Nullable String await(String prefix, Duration timeout) {
			long deadline = System.nanoTime() + timeout.toNanos();
			try {
				while (System.nanoTime() < deadline) {
					String line = this.lines.poll(100, TimeUnit.MILLISECONDS);
					if (line != null && line.startsWith(prefix)) {
						return line;
					}
					if (line == null && !this.process.isAlive() && this.lines.isEmpty()) {
						return null;
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return null;
		}

		@Override
		public void close() {
			try {
				if (this.process.isAlive()) {
					send("stop");
					String stopped = await("stopped", Duration.ofSeconds(60));
					if (stopped != null && !stopped.contains("complete=true")) {
						System.err.println("warning: the engine's final sync was incomplete");
					}
				}
			}
			catch (IOException ex) {
				// it is gone already
			}
			finally {
				Env.stopProcess(this.process, Duration.ofSeconds(10));
			}
		}

	}

}
