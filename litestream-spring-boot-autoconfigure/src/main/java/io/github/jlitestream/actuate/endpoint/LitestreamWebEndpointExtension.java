package io.github.jlitestream.actuate.endpoint;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The {@link LitestreamEndpoint}'s actions over HTTP with answers an operator can act on:
 * bad input is 400 and an unknown database 404, each with a message saying why (Spring
 * Boot's own error body hides the message by default, and an unknown database was a
 * silent 204).
 *
 * @since 0.2.0
 */
@EndpointWebExtension(endpoint = LitestreamEndpoint.class)
public class LitestreamWebEndpointExtension {

	private final LitestreamEndpoint endpoint;

	public LitestreamWebEndpointExtension(LitestreamEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	/**
	 * {@link LitestreamEndpoint#action}, answering 400 or 404 with a message.
	 * @param name the database's name
	 * @param action {@code sync}, {@code snapshot} or {@code restore}
	 * @param timestamp for restore: an ISO-8601 instant; the latest state when absent
	 * @param path for restore: the new file in the restore directory
	 * @param generation for restore and rollback: the generation
	 * @param index for rollback: the last WAL index (hex) of the generation
	 * @param security who asks, recorded with a rollback
	 * @return the result, or the reason it was refused
	 * @throws IOException when the store fails
	 */
	@WriteOperation
	public WebEndpointResponse<Object> action(@Selector String name, String action, @Nullable String timestamp,
			@Nullable String path, @Nullable String generation, @Nullable String index, SecurityContext security)
			throws IOException {
		try {
			Object result = this.endpoint.action(name, action, timestamp, path, generation, index, security);
			if (result == null) {
				return error(WebEndpointResponse.STATUS_NOT_FOUND, "Not Found",
						"No database '" + name + "': the replicated databases are " + this.endpoint.databaseNames());
			}
			return new WebEndpointResponse<>(result);
		}
		catch (InvalidEndpointRequestException ex) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, "Bad Request", ex.getReason());
		}
	}

	private static WebEndpointResponse<Object> error(int status, String error, String message) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("status", status);
		body.put("error", error);
		body.put("message", message);
		return new WebEndpointResponse<>(body, status);
	}

}
