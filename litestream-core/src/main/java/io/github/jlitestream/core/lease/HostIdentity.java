package io.github.jlitestream.core.lease;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The name of this host, for the records that say who holds a lock or a lease. */
final class HostIdentity {

	private static final String NAME = resolve();

	private HostIdentity() {
	}

	static String hostName() {
		return NAME;
	}

	private static String resolve() {
		String env = System.getenv("HOSTNAME");
		if (env != null && !env.isBlank()) {
			return env.trim();
		}
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "unknown-host";
		}
	}

}
