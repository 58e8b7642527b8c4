package io.github.jlitestream.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * What a native image of an application with the starter needs of the engine's libraries:
 * the native libraries that lz4-java and zstd-jni load from their jars, and JNI access to
 * the classes whose fields and methods their native code uses. (Checked against the jars'
 * contents by a test; a native image itself has not been built: no GraalVM here.)
 */
class LitestreamRuntimeHints implements RuntimeHintsRegistrar {

	/** lz4-java's libraries: {@code net/jpountz/util/<os>/<arch>/liblz4-java.<ext>}. */
	static final String LZ4_LIBRARIES = "net/jpountz/util/*/*/liblz4-java.*";

	/** zstd-jni's libraries: {@code <os>/<arch>/libzstd-jni-<version>.<ext>}. */
	static final String ZSTD_LIBRARIES = "*/*/libzstd-jni-*";

	static final String[] JNI_CLASSES = { "net.jpountz.lz4.LZ4JNI", "net.jpountz.xxhash.XXHashJNI",
			"com.github.luben.zstd.Zstd", "com.github.luben.zstd.ZstdCompressCtx",
			"com.github.luben.zstd.ZstdDecompressCtx", "com.github.luben.zstd.ZstdOutputStreamNoFinalizer",
			"com.github.luben.zstd.ZstdInputStreamNoFinalizer", "com.github.luben.zstd.ZstdDictCompress",
			"com.github.luben.zstd.ZstdDictDecompress" };

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern(LZ4_LIBRARIES).registerPattern(ZSTD_LIBRARIES);
		for (String type : JNI_CLASSES) {
			hints.jni()
				.registerType(TypeReference.of(type), MemberCategory.ACCESS_DECLARED_FIELDS,
						MemberCategory.INVOKE_DECLARED_CONSTRUCTORS, MemberCategory.INVOKE_DECLARED_METHODS);
		}
	}

}
