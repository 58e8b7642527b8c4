package io.github.jlitestream.autoconfigure.info;

import java.util.Locale;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks {@code litestream.**.encryption.key} and {@code .keys} in every form a source
 * spells them ({@code encryption.keys[0]},
 * {@code LITESTREAM_DATABASES_APP_REPLICAS_BACKUP_ENCRYPTION_KEY}), whatever
 * {@code show-values} says: a replica's key decrypts every backup. The key file's path is
 * no secret and stays visible.
 */
final class EncryptionKeySanitizer implements SanitizingFunction {

	@Override
	public SanitizableData apply(SanitizableData data) {
		String key = data.getKey().toLowerCase(Locale.ROOT).replaceAll("[-_.\\[\\]]", "");
		boolean encryptionKey = key.startsWith("litestream") && key.contains("encryptionkey")
				&& !key.contains("encryptionkeyfile");
		return encryptionKey ? data.withSanitizedValue() : data;
	}

}
