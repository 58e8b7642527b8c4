package io.github.jlitestream.faults;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenarios 2 and 3, a store that stops (60 s in the soak, 10 s in {@code mvn verify})
 * and a store that misbehaves (each fault 15 s in the soak, 4 s in {@code mvn verify}),
 * with the engine and the writer in processes of their own.
 */
class StoreCampaignTests {

	@TempDir
	Path dir;

	@Test
	void aStoreOutageBlocksNoWriteIsReportedBacksOffAndLosesNothing() throws Exception {
		Duration outage = Duration.ofSeconds(Campaign.soak() ? 60 : 10);
		assertNothingLost(new StoreCampaign(this.dir, Campaign.seed(), System.out).outage(outage));
	}

	@Test
	void aMisbehavingStoreNeverMovesThePositionPastAFailedUploadNorUploadsTwice() throws Exception {
		Duration phase = Duration.ofSeconds(Campaign.soak() ? 15 : 4);
		assertNothingLost(new StoreCampaign(this.dir, Campaign.seed(), System.out).misbehaving(phase));
	}

	static void assertNothingLost(CampaignResult result) throws Exception {
		System.out.println(CampaignResult.HEADER);
		System.out.println(result.row());
		result.appendTo(Campaign.report());
		assertThat(result.problems()).isEmpty();
		assertThat(result.lostBeyondPromise()).isZero();
		assertThat(result.failedRestores()).isZero();
	}

}
