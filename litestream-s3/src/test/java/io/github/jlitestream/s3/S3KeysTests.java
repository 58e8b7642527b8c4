package io.github.jlitestream.s3;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link S3Keys}.
 */
class S3KeysTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			''          | ''
			.           | ''
			/           | ''
			./          | ''
			a           | a
			/a/b/       | a/b
			a//b        | a/b
			a/./b       | a/b
			./a/b/.     | a/b
			a.b/c..d    | a.b/c..d
			""")
	void cleansPrefixLikePathJoin(String prefix, String cleaned) {
		assertThat(S3Keys.cleanPrefix(prefix)).isEqualTo(cleaned);
	}

	@Test
	void refusesParentSegments() {
		assertThatIllegalArgumentException().isThrownBy(() -> S3Keys.cleanPrefix("a/../b"));
	}

	@Test
	void joinsPrefixAndName() {
		assertThat(S3Keys.join("", "generations")).isEqualTo("generations");
		assertThat(S3Keys.join("a/b", "generations/x")).isEqualTo("a/b/generations/x");
		assertThat(S3Keys.directory("", "generations")).isEqualTo("generations/");
		assertThat(S3Keys.directory("a", "generations")).isEqualTo("a/generations/");
	}

}
