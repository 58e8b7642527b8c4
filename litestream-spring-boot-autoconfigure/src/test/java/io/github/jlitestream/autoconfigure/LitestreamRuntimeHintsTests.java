package io.github.jlitestream.autoconfigure;

import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;

import com.github.luben.zstd.Zstd;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The native-image hints cover every native library the engine's compression libraries
 * ship (read from their jars) and name classes that exist.
 */
class LitestreamRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	LitestreamRuntimeHintsTests() {
		new LitestreamRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
	}

	@Test
	void everyNativeLibraryOfLz4AndZstdIsARegisteredResource() throws Exception {
		for (Class<?> library : List.of(LZ4Factory.class, Zstd.class)) {
			Path jar = Path.of(library.getProtectionDomain().getCodeSource().getLocation().toURI());
			try (JarFile file = new JarFile(jar.toFile())) {
				List<String> natives = file.stream()
					.map((entry) -> entry.getName())
					.filter((name) -> name.endsWith(".so") || name.endsWith(".dylib") || name.endsWith(".dll"))
					.toList();
				assertThat(natives).as("native libraries in %s", jar).isNotEmpty();
				for (String name : natives) {
					assertThat(RuntimeHintsPredicates.resource().forResource(name)).as(name).accepts(this.hints);
				}
			}
		}
	}

	@Test
	void theJniClassesExistAndAreRegistered() throws Exception {
		for (String type : LitestreamRuntimeHints.JNI_CLASSES) {
			Class<?> found = Class.forName(type, false, getClass().getClassLoader());
			assertThat(this.hints.jni().getTypeHint(found)).as(type).isNotNull();
		}
	}

}
