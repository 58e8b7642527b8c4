package io.github.jlitestream.metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

import io.github.jlitestream.core.CheckpointMode;
import io.github.jlitestream.core.Generation;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tags stay bounded and readable and every meter says what it measures: a generation's
 * reason carried exception text into a tag value (one time series per message), and a
 * Turkish locale lowercased {@code PASSIVE} to {@code passıve}.
 */
class MetricHygieneTests {

	@Test
	void generationReasonsAreCodesWithoutExceptionTextOrCounts() {
		assertThat(LitestreamMetrics.reasonCode("local state disk full: No space left on device (/var/lib/x)"))
			.isEqualTo("local-state-disk-full");
		assertThat(LitestreamMetrics.reasonCode("shadow wal unreadable: bad checksum at frame 17"))
			.isEqualTo("shadow-wal-unreadable");
		assertThat(LitestreamMetrics.reasonCode("wal restarted 3 times while not running"))
			.isEqualTo(LitestreamMetrics.reasonCode("wal restarted 12 times while not running"))
			.isEqualTo("wal-restarted-n-times-while-not-running");
		assertThat(LitestreamMetrics.reasonCode("no generation exists")).isEqualTo("no-generation-exists");
	}

	@Test
	void everyMeterHasADescriptionAndTagsDoNotDependOnTheLocale() {
		Locale before = Locale.getDefault();
		Locale.setDefault(Locale.forLanguageTag("tr-TR"));
		try {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			LitestreamMetrics metrics = new LitestreamMetrics(() -> null, Clock.systemUTC());
			metrics.bindTo(registry);
			metrics.onCheckpoint("app", CheckpointMode.PASSIVE, Duration.ofMillis(3), null);
			metrics.onGenerationChange("app", new Generation("0123456789abcdef"),
					"local state disk full: No space left on device");
			metrics.onGenerationChange("app", new Generation("0123456789abcdee"),
					"local state disk full: No space left on device, again");
			metrics.onSync("app", "backup", Duration.ofMillis(5), null);
			metrics.onSync("app", "backup", Duration.ofMillis(6), null);
			metrics.onWalCopied("app", 4096);
			metrics.onRestore("app", 8192, Duration.ofMillis(9), null);
			metrics.onCompaction("app", "backup", 1, 70_000, 9_000, 0);
			metrics.onCompaction("app", "backup", 0, 0, 0, 11);
			assertThat(registry.get(LitestreamMetricNames.CHECKPOINT).tag("mode", "passive").timer().count())
				.isEqualTo(1);
			assertThat(registry.get(LitestreamMetricNames.GENERATION_CHANGES)
				.tag("reason", "local-state-disk-full")
				.counter()
				.count()).isEqualTo(2);
			assertThat(registry.get(LitestreamMetricNames.SYNC).timer().count()).isEqualTo(2);
			assertThat(registry.get(LitestreamMetricNames.COMPACTION).tag("kind", "index").counter().count())
				.isEqualTo(1);
			assertThat(registry.get(LitestreamMetricNames.COMPACTION).tag("kind", "segment").counter().count())
				.isEqualTo(11);
			assertThat(registry.get(LitestreamMetricNames.COMPACTION_BYTES).tag("state", "after").counter().count())
				.isEqualTo(9_000);
			for (Meter meter : registry.getMeters()) {
				assertThat(meter.getId().getDescription()).as(meter.getId().getName()).isNotBlank();
			}
		}
		finally {
			Locale.setDefault(before);
		}
	}

}
