package io.github.jlitestream.faults;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Scenario 4, a full disk under the engine's local state: on a real tmpfs where this
 * process may mount one (as root; skipped otherwise, for lack of that permission only),
 * and injected, always.
 */
class DiskFullCampaignTests {

	@TempDir
	Path dir;

	@Test
	void aFullDiskIsReportedKeepsTheApplicationWritingAndReplicationResumesInTheSameGeneration() throws Exception {
		assumeThat(DiskFullCampaign.canMount(this.dir.resolve("probe")))
			.as("mounting a tmpfs needs root (this machine refused it)")
			.isTrue();
		StoreCampaignTests.assertNothingLost(new DiskFullCampaign(this.dir, Campaign.seed(), System.out)
			.realFilesystem(Duration.ofSeconds(Campaign.soak() ? 30 : 5)));
	}

	@Test
	void aFullDiskThatTheWalOutgrowsEndsTheGenerationAndANewOneCatchesUpWithNothingLost() throws Exception {
		assumeThat(DiskFullCampaign.canMount(this.dir.resolve("probe")))
			.as("mounting a tmpfs needs root (this machine refused it)")
			.isTrue();
		StoreCampaignTests
			.assertNothingLost(new DiskFullCampaign(this.dir, Campaign.seed(), System.out).outgrownFilesystem());
	}

	@Test
	void aFullDiskToWhichTooLittleSpaceReturnsEndsTheGenerationAndANewOneCatchesUpWithNothingLost() throws Exception {
		assumeThat(DiskFullCampaign.canMount(this.dir.resolve("probe")))
			.as("mounting a tmpfs needs root (this machine refused it)")
			.isTrue();
		StoreCampaignTests
			.assertNothingLost(new DiskFullCampaign(this.dir, Campaign.seed(), System.out).tooLittleReturned());
	}

	@Test
	void anInjectedFullDiskIsReportedKeepsTheApplicationWritingAndReplicationResumes() throws Exception {
		StoreCampaignTests.assertNothingLost(new DiskFullCampaign(this.dir, Campaign.seed(), System.out)
			.injected(Duration.ofSeconds(Campaign.soak() ? 30 : 5)));
	}

}
