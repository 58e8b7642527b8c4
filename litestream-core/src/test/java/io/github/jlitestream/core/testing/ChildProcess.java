package io.github.jlitestream.core.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A class's {@code main} run in a JVM of its own on this test's class path, with every
 * line it prints kept: for tests that run two engines as two processes, kill one with
 * SIGKILL, or stop one gracefully by a line {@code stop} on its input (the child then
 * prints {@code STOPPED true} or {@code STOPPED false}).
 */
public final class ChildProcess implements AutoCloseable {

	private final Process process;

	private final List<String> lines = new CopyOnWriteArrayList<>();

	private final Thread reader;

	private ChildProcess(Process process) {
		this.process = process;
		this.reader = new Thread(() -> {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = in.readLine()) != null) {
					this.lines.add(line);
				}
			}
			catch (IOException ex) {
				// the process ended
			}
		});
		this.reader.start();
	}

	/** Starts {@code main}'s class with these arguments. */
	public static ChildProcess start(Class<?> main, String... arguments) throws IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new ArrayList<>(
				List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), main.getName()));
		command.addAll(List.of(arguments));
		return new ChildProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
	}

	/** Every line printed so far. */
	public List<String> lines() {
		return List.copyOf(this.lines);
	}

	/**
	 * Waits up to a minute for a line that starts with {@code prefix}.
	 * @throws AssertionError with everything the child printed, when none comes or it
	 * ends
	 */
	public void await(String prefix) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (this.lines.stream().noneMatch((line) -> line.startsWith(prefix))) {
			if (System.nanoTime() > deadline || !this.process.isAlive()) {
				throw new AssertionError(
						"no line '" + prefix + "' from the child; it printed:\n" + String.join("\n", this.lines));
			}
			Thread.sleep(5);
		}
	}

	/** SIGKILL: no shutdown hook, no final sync. */
	public void kill() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor();
	}

	/**
	 * Stops it gracefully with a line {@code stop} on its input.
	 * @return whether it reported a complete stop ({@code STOPPED true})
	 */
	public boolean stop() throws IOException, InterruptedException {
		send("stop");
		await("STOPPED");
		this.process.waitFor();
		return this.lines.contains("STOPPED true");
	}

	/** Writes {@code line} to its input. */
	public void send(String line) throws IOException {
		Writer input = new OutputStreamWriter(this.process.getOutputStream(), StandardCharsets.UTF_8);
		input.write(line + "\n");
		input.flush();
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			this.process.waitFor();
		}
		this.reader.join(10_000);
	}

}
