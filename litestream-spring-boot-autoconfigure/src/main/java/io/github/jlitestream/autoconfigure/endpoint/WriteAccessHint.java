package io.github.jlitestream.autoconfigure.endpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers a POST to {@code /actuator/litestream/<database>} while write access is not
 * granted with the property that grants it: Spring Boot maps no write operation then, and
 * its bare 405 left users guessing.
 */
final class WriteAccessHint implements HandlerExceptionResolver, Ordered {

	static final String MESSAGE = "The litestream endpoint's write actions (sync, snapshot, restore) are off: set "
			+ "management.endpoint.litestream.access=unrestricted, where the actuator is protected";

	private static final Pattern LITESTREAM_PATH = Pattern.compile(".*/litestream(/[^/]+)?/?");

	@Override
	public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
			@Nullable Object handler, Exception ex) {
		if (!(ex instanceof HttpRequestMethodNotSupportedException) || !"POST".equals(request.getMethod())
				|| !LITESTREAM_PATH.matcher(request.getRequestURI()).matches() || response.isCommitted()) {
			return null;
		}
		try {
			response.setStatus(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
			response.setHeader("Allow", "GET");
			response.setContentType("application/json");
			response.setCharacterEncoding(StandardCharsets.UTF_8.name());
			response.getWriter()
				.write("{\"status\":405,\"error\":\"Method Not Allowed\",\"message\":\"" + MESSAGE + "\"}");
			return new ModelAndView();
		}
		catch (IOException writeFailed) {
			return null;
		}
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
