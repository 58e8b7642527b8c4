package io.github.jlitestream.faults;

import java.nio.file.Path;

import io.github.jlitestream.s3.testing.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 1, SIGKILL at random moments and inside checkpoints, uploads and retention, on
 * the file replica and on S3Proxy: {@code faults.trials} kills each (10 in
 * {@code mvn verify}; the soak runs more).
 */
class KillCampaignTests {

	@TempDir
	Path dir;

	@Test
	void fileReplicaKeepsItsPromiseAtEveryKill() throws Exception {
		try (CampaignStore store = CampaignStore.directory(this.dir.resolve("replica"))) {
			assertKeptItsPromise(new KillCampaign(this.dir, store, Campaign.seed(), Campaign.trials(), System.out));
		}
	}

	@Test
	void s3ReplicaKeepsItsPromiseAtEveryKill() throws Exception {
		// the soak's database outgrows an in-memory store's heap
		try (S3ProxyServer server = Campaign.soak() ? S3ProxyServer.startOnDisk(this.dir.resolve("s3"))
				: S3ProxyServer.startInMemory(); CampaignStore store = CampaignStore.s3(server, "faults")) {
			assertKeptItsPromise(new KillCampaign(this.dir, store, Campaign.seed(), Campaign.trials(), System.out));
		}
	}

	private static void assertKeptItsPromise(KillCampaign campaign) throws Exception {
		CampaignResult result = campaign.run();
		System.out.println(CampaignResult.HEADER);
		System.out.println(result.row());
		result.appendTo(Campaign.report());
		assertThat(result.problems()).isEmpty();
		assertThat(result.lostBeyondPromise()).isZero();
	}

}
