package io.github.jlitestream.sample;

import java.nio.file.Path;
import java.util.Map;

import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Overriding only {@code spring.datasource.url} moves the replicated file with it: the
 * sample app wrote {@code other.db} while the empty {@code app.db} was replicated, with
 * health UP.
 */
class SampleApplicationDataSourceTests {

	@TempDir
	Path dir;

	@Test
	void overridingOnlyTheDataSourceUrlReplicatesTheFileTheApplicationWrites() throws Exception {
		Path other = this.dir.resolve("other.db");
		Path replica = this.dir.resolve("replica");
		Map<String, String> settings = SampleApp.fileReplica(this.dir.resolve("app.db"), replica);
		settings.put("spring.datasource.url", "jdbc:sqlite:" + other);
		try (SampleApp app = SampleApp.start(settings)) {
			app.create("kept", "written to other.db");
		}
		assertThat(this.dir.resolve("app.db")).doesNotExist();
		Path restored = this.dir.resolve("restored.db");
		new Restorer(new Lz4FrameCodec()).restore(new FileReplicaClient(replica), RestoreOptions.latest(restored),
				RestoreProgress.NONE);
		assertThat(Sql.dump(restored).get("notes")).hasSize(1).first().asString().contains("kept");
	}

}
