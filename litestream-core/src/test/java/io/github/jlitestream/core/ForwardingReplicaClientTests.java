package io.github.jlitestream.core;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Holds {@link ForwardingReplicaClient} to its promise for every method of
 * {@link ReplicaClient}, read by reflection: a method added to the interface later and
 * not forwarded fails here.
 */
class ForwardingReplicaClientTests {

	private static final Generation GENERATION = new Generation("0123456789abcdef");

	private static final Instant AT = Instant.parse("2024-01-02T03:04:05.123456789Z");

	private static final SnapshotInfo SNAPSHOT = new SnapshotInfo(GENERATION, 3, 10, AT, Compression.ZSTD);

	private static final WalSegmentInfo SEGMENT = new WalSegmentInfo(GENERATION, 3, 4096, 20, AT, Compression.ZSTD);

	@Test
	void forwardsEveryMethodWithItsArgumentsAndResult() throws Exception {
		List<Method> methods = replicaClientMethods();
		assertThat(methods).hasSizeGreaterThanOrEqualTo(16);
		for (Method method : methods) {
			List<Call> calls = new ArrayList<>();
			ForwardingReplicaClient client = new ForwardingReplicaClient(recording(calls)) {
			};
			Object[] arguments = arguments(method);
			Object result = invoke(method, client, arguments);
			assertThat(calls).as("calls reaching the delegate from %s", signature(method)).hasSize(1);
			Call call = calls.get(0);
			assertThat(signature(call.method())).isEqualTo(signature(method));
			assertThat(call.arguments()).as(signature(method)).containsExactly(arguments);
			if (method.getReturnType().isPrimitive() && method.getReturnType() != void.class) {
				// boxed again by reflection: equal, not necessarily the same object
				assertThat(result).as("result of %s", signature(method)).isEqualTo(call.result());
			}
			else if (method.getReturnType() != void.class) {
				assertThat(result).as("result of %s", signature(method)).isSameAs(call.result());
			}
		}
	}

	@Test
	void checksEveryMethodOfTheInterfaceNotJustThoseItKnows() {
		List<String> signatures = replicaClientMethods().stream().map(ForwardingReplicaClientTests::signature).toList();
		assertThat(signatures).contains("close()", "listedTimeResolution(Instant)", "exactCreatedAt(SnapshotInfo)",
				"exactCreatedAt(WalSegmentInfo)", "supportsLease()", "readLease()", "createLease(byte[])",
				"replaceLease(StoredLease,byte[])", "checkConditionalWrites()");
	}

	private static List<Method> replicaClientMethods() {
		return Arrays.stream(ReplicaClient.class.getMethods())
			.filter((method) -> !Modifier.isStatic(method.getModifiers()))
			.toList();
	}

	private static Object invoke(Method method, Object target, Object[] arguments) throws Exception {
		try {
			return method.invoke(target, arguments);
		}
		catch (InvocationTargetException ex) {
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
	}

	private static ReplicaClient recording(List<Call> calls) {
		return (ReplicaClient) Proxy.newProxyInstance(ReplicaClient.class.getClassLoader(),
				new Class<?>[] { ReplicaClient.class }, (proxy, method, arguments) -> {
					Object result = result(method);
					calls.add(new Call(method, (arguments != null) ? Arrays.asList(arguments) : List.of(), result));
					return result;
				});
	}

	private static Object[] arguments(Method method) {
		return Arrays.stream(method.getParameterTypes()).map(ForwardingReplicaClientTests::argument).toArray();
	}

	private static Object argument(Class<?> type) {
		if (type == Generation.class) {
			return GENERATION;
		}
		if (type == long.class) {
			return 42L;
		}
		if (type == Compression.class) {
			return Compression.ZSTD;
		}
		if (type == ObjectContent.class) {
			return ObjectContent.of(new byte[] { 1, 2, 3 });
		}
		if (type == SnapshotInfo.class) {
			return SNAPSHOT;
		}
		if (type == WalSegmentInfo.class) {
			return SEGMENT;
		}
		if (type == Instant.class) {
			return AT;
		}
		if (type == Collection.class) {
			return List.of(SNAPSHOT);
		}
		if (type == byte[].class) {
			return new byte[] { 4, 5 };
		}
		if (type == StoredLease.class) {
			return new StoredLease(new byte[] { 6 }, "v1");
		}
		throw new IllegalArgumentException("no test argument for " + type + ": add one");
	}

	/**
	 * A result of the delegate's own, so that the test sees whether the forwarding client
	 * passes it back.
	 */
	private static Object result(Method method) {
		Class<?> type = method.getReturnType();
		if (type == void.class) {
			return null;
		}
		if (type == String.class) {
			return new String("from the delegate's " + method.getName());
		}
		if (type == List.class) {
			return new ArrayList<>(List.of(GENERATION));
		}
		if (type == SnapshotInfo.class) {
			return new SnapshotInfo(GENERATION, 7, 1, AT, Compression.LZ4);
		}
		if (type == WalSegmentInfo.class) {
			return new WalSegmentInfo(GENERATION, 7, 0, 1, AT, Compression.LZ4);
		}
		if (type == InputStream.class) {
			return new ByteArrayInputStream(new byte[0]);
		}
		if (type == Duration.class) {
			return Duration.ofMillis(1234);
		}
		if (type == Optional.class) {
			return Optional.of(AT.plusSeconds(1));
		}
		if (type == boolean.class) {
			// not the interface's default, so that only a forwarded call returns it
			return Boolean.TRUE;
		}
		if (type == StoredLease.class) {
			return new StoredLease(new byte[] { 7 }, "from the delegate");
		}
		throw new IllegalArgumentException("no test result for " + type + ": add one");
	}

	private static String signature(Method method) {
		return method.getName() + "("
				+ String.join(",", Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).toList()) + ")";
	}

	private record Call(Method method, List<Object> arguments, Object result) {
	}

}
