package io.github.jlitestream.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A raise is never lost, and one wait consumes it: a commit noticed while a replica
 * thread was busy still wakes it, and a burst of commits wakes it once.
 */
class SignalTests {

	@Test
	void aRaiseBeforeTheWaitIsNotLost() {
		Signal signal = new Signal();
		signal.raise();
		long started = System.nanoTime();
		signal.await(Duration.ofSeconds(30));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
	}

	@Test
	void oneWaitConsumesEveryRaiseBeforeIt() throws Exception {
		Signal signal = new Signal();
		signal.raise();
		signal.raise();
		signal.await(Duration.ofMinutes(10));
		CompletableFuture<Void> second = CompletableFuture.runAsync(() -> signal.await(Duration.ofMinutes(10)));
		Thread.sleep(200);
		assertThat(second).isNotDone();
		signal.raise();
		second.get(1, TimeUnit.MINUTES);
	}

}
