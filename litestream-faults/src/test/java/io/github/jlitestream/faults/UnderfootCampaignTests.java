package io.github.jlitestream.faults;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario 6, the database changed under the running engine's feet. */
class UnderfootCampaignTests {

	@TempDir
	Path dir;

	@Test
	void afterEachChangeTheReplicasLatestStateIsTheDatabasesAndLostWalStartsANewGeneration() throws Exception {
		StoreCampaignTests.assertNothingLost(new UnderfootCampaign(this.dir, Campaign.seed(), System.out).run());
	}

}
