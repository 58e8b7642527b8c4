package io.github.jlitestream.s3;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link S3ReplicaUrl}.
 */
class S3ReplicaUrlTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			s3://my-bucket/apps/app-db   | my-bucket | apps/app-db
			s3://my-bucket/apps/app-db/  | my-bucket | apps/app-db
			s3://my-bucket//apps//app-db | my-bucket | apps/app-db
			s3://my-bucket/./apps        | my-bucket | apps
			s3://my-bucket               | my-bucket | ''
			s3://my-bucket/              | my-bucket | ''
			S3://my.bucket/db            | my.bucket | db
			s3://my_bucket/db            | my_bucket | db
			s3://bucket/a%20b            | bucket    | a b
			""")
	void parses(String url, String bucket, String prefix) {
		S3ReplicaUrl parsed = S3ReplicaUrl.parse(url);
		assertThat(parsed.bucket()).isEqualTo(bucket);
		assertThat(parsed.prefix()).isEqualTo(prefix);
	}

	@Test
	void printsCleanedUrl() {
		assertThat(S3ReplicaUrl.parse("s3://b/apps//db/")).hasToString("s3://b/apps/db");
		assertThat(S3ReplicaUrl.parse("s3://b/")).hasToString("s3://b");
		assertThat(new S3ReplicaUrl("b", "/x/")).hasToString("s3://b/x");
	}

	@ParameterizedTest
	@ValueSource(strings = { "s3:///apps/db", "s3://", "s3:", "s3:bucket/db", "s3://:9000/db" })
	void rejectsMissingBucket(String url) {
		assertThatIllegalArgumentException().isThrownBy(() -> S3ReplicaUrl.parse(url))
			.withMessageContaining("Invalid S3 replica URL")
			.withMessageContaining("s3://<bucket>/<path>");
	}

	@ParameterizedTest
	@ValueSource(strings = { "file:///var/db", "http://bucket/db", "bucket/db", "/bucket/db" })
	void rejectsOtherSchemes(String url) {
		assertThatIllegalArgumentException().isThrownBy(() -> S3ReplicaUrl.parse(url))
			.withMessageContaining("expected s3://<bucket>/<path>");
	}

	@Test
	void rejectsPortQueryAndUnparsableUrls() {
		assertThatIllegalArgumentException().isThrownBy(() -> S3ReplicaUrl.parse("s3://bucket:9000/db"))
			.withMessageContaining("the bucket is missing or invalid");
		assertThatIllegalArgumentException().isThrownBy(() -> S3ReplicaUrl.parse("s3://bucket/db?region=x"))
			.withMessageContaining("query and fragment are not supported");
		assertThatIllegalArgumentException().isThrownBy(() -> S3ReplicaUrl.parse("s3://bucket/a b"))
			.withMessageContaining("Invalid S3 replica URL");
		assertThatIllegalArgumentException().isThrownBy(() -> S3ReplicaUrl.parse("s3://bucket/../db"))
			.withMessageContaining("'..' is not allowed");
	}

	@Test
	void rejectsCredentialsWithoutEchoingThem() {
		assertThatIllegalArgumentException().isThrownBy(() -> S3ReplicaUrl.parse("s3://AKIA:s3cr3t@bucket/db"))
			.withMessageContaining("credentials do not belong in the URL")
			.withMessageNotContaining("s3cr3t")
			.withMessageNotContaining("AKIA");
	}

	@Test
	void rejectsInvalidBucketNames() {
		assertThatIllegalArgumentException().isThrownBy(() -> new S3ReplicaUrl("", "db"));
		assertThatIllegalArgumentException().isThrownBy(() -> new S3ReplicaUrl("a/b", "db"));
		assertThatIllegalArgumentException().isThrownBy(() -> new S3ReplicaUrl("a b", "db"));
	}

}
