package io.github.jlitestream.s3;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the calls and the HTTP attempts an S3 client makes, by operation name.
 */
final class RequestCounter implements ExecutionInterceptor {

	private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

	@Override
	public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
		count(this.calls, attributes);
	}

	@Override
	public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
		count(this.attempts, attributes);
	}

	/** The calls of an operation, however many attempts each took. */
	int calls(String operation) {
		AtomicInteger count = this.calls.get(operation);
		return (count != null) ? count.get() : 0;
	}

	/** The HTTP attempts of an operation, retries included. */
	int attempts(String operation) {
		AtomicInteger count = this.attempts.get(operation);
		return (count != null) ? count.get() : 0;
	}

	void reset() {
		this.calls.clear();
		this.attempts.clear();
	}

	private static void count(Map<String, AtomicInteger> counts, ExecutionAttributes attributes) {
		String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
		counts.computeIfAbsent(operation, (name) -> new AtomicInteger()).incrementAndGet();
	}

}
