package io.github.jlitestream.core;

import java.util.Arrays;
import java.util.stream.Stream;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The dependencies between the packages of the engine, checked on its compiled main
 * classes. The stages (capture, ship, restore) sit on leaves (wal, layout, util, codec,
 * file) that know nothing of them, so that a leaf can be understood, tested and changed
 * alone. The root package is the vocabulary (positions, generations, the replica client)
 * and the façade that wires the stages together: it is used by the stages and uses them,
 * so it is left out of the cycle check and allowed to every package.
 *
 * <p>
 * The rules run from plain tests rather than ArchUnit's JUnit engine, which is not needed
 * on the JUnit platform that Spring Boot's BOM brings.
 */
class ArchitectureTests {

	private static final String CORE = "io.github.jlitestream.core";

	private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages(CORE);

	@Test
	void subpackagesAreFreeOfCycles() {
		slices().matching(CORE + ".(*)..").namingSlices("core.$1").should().beFreeOfCycles().check(MAIN_CLASSES);
	}

	@Test
	void walUsesOnlyUtil() {
		// The shadow WAL is a file the engine writes durably, with the same mechanics as
		// every other local file.
		mayUseOnly("wal", "util").check(MAIN_CLASSES);
	}

	@Test
	void layoutUsesNoOtherSubpackage() {
		mayUseOnly("layout").check(MAIN_CLASSES);
	}

	@Test
	void utilUsesNoOtherSubpackage() {
		mayUseOnly("util").check(MAIN_CLASSES);
	}

	@Test
	void codecUsesLayoutOnly() {
		mayUseOnly("codec", "layout").check(MAIN_CLASSES);
	}

	@Test
	void fileUsesLayoutAndUtilOnly() {
		mayUseOnly("file", "layout", "util").check(MAIN_CLASSES);
	}

	@Test
	void leaseUsesUtilOnly() {
		// One writer per database and replica is decided apart from what is written.
		mayUseOnly("lease", "util").check(MAIN_CLASSES);
	}

	@Test
	void leavesDoNotUseTheStages() {
		noClasses().that()
			.resideInAnyPackage(packages("wal", "layout", "util", "codec", "file"))
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(packages("capture", "ship", "restore"))
			.because("the leaves are the stages' building blocks")
			.check(MAIN_CLASSES);
	}

	@Test
	void captureUsesNeitherShipNorRestore() {
		mustNotUse("capture", "ship", "restore").check(MAIN_CLASSES);
	}

	@Test
	void shipDoesNotUseRestore() {
		mustNotUse("ship", "restore").check(MAIN_CLASSES);
	}

	@Test
	void restoreUsesNeitherCaptureNorShip() {
		mustNotUse("restore", "capture", "ship").check(MAIN_CLASSES);
	}

	@Test
	void coreDoesNotUseSpring() {
		noClasses().should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework..")
			.because("the engine runs without Spring; the auto-configuration adapts it")
			.check(MAIN_CLASSES);
	}

	@Test
	void coreDoesNotUseTheS3Module() {
		noClasses().should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.github.jlitestream.s3..", "software.amazon.awssdk..")
			.because("S3 is one ReplicaClient among others, in litestream-s3, which depends on the core")
			.check(MAIN_CLASSES);
	}

	/**
	 * Classes of the subpackage may use the root package, the given subpackages and
	 * anything outside the core.
	 */
	private static ArchRule mayUseOnly(String subpackage, String... allowed) {
		String[] own = packages(Stream.concat(Stream.of(subpackage), Arrays.stream(allowed)).toArray(String[]::new));
		DescribedPredicate<JavaClass> permitted = resideOutsideOfPackage(CORE + "..").or(resideInAnyPackage(CORE))
			.or(resideInAnyPackage(own));
		return classes().that()
			.resideInAPackage(CORE + "." + subpackage + "..")
			.should()
			.onlyDependOnClassesThat(
					permitted.as("reside in %s or the root package or outside the core", String.join(", ", own)));
	}

	private static ArchRule mustNotUse(String subpackage, String... forbidden) {
		return noClasses().that()
			.resideInAPackage(CORE + "." + subpackage + "..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(packages(forbidden));
	}

	private static String[] packages(String... subpackages) {
		return Arrays.stream(subpackages).map((subpackage) -> CORE + "." + subpackage + "..").toArray(String[]::new);
	}

}
