package io.github.jlitestream.autoconfigure.info;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SanitizableData;

import static org.assertj.core.api.Assertions.assertThat;

/** Every spelling of a replica's encryption key is masked; its key file's path is not. */
class EncryptionKeySanitizerTests {

	private final EncryptionKeySanitizer sanitizer = new EncryptionKeySanitizer();

	@Test
	void masksEverySpellingOfAKey() {
		for (String key : new String[] { "litestream.databases.app.replicas.backup.encryption.key",
				"litestream.replicas[0].encryption.keys[1]", "litestream.replicas.backup.encryption.keys",
				"LITESTREAM_DATABASES_APP_REPLICAS_BACKUP_ENCRYPTION_KEY",
				"LITESTREAM_REPLICAS_BACKUP_ENCRYPTION_KEYS_0" }) {
			assertThat(this.sanitizer.apply(new SanitizableData(null, key, "secret")).getValue()).as(key)
				.isEqualTo(SanitizableData.SANITIZED_VALUE);
		}
	}

	@Test
	void leavesKeyFilesAndOtherSettingsVisible() {
		for (String key : new String[] { "litestream.databases.app.replicas.backup.encryption.key-file",
				"LITESTREAM_REPLICAS_BACKUP_ENCRYPTION_KEY_FILE", "litestream.databases.app.replicas.backup.url",
				"other.encryption.key" }) {
			assertThat(this.sanitizer.apply(new SanitizableData(null, key, "value")).getValue()).as(key)
				.isEqualTo("value");
		}
	}

}
