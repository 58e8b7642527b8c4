package io.github.jlitestream.core.testing;

import java.util.Objects;

import io.github.jlitestream.core.DatabaseStatus;
import io.github.jlitestream.core.ReplicationManager;

/**
 * For an engine in a {@link ChildProcess}: prints {@code ROLE <database role> <lease
 * role>} of its first database and replica each time either changes, while it runs.
 */
public final class RolePrinter {

	private RolePrinter() {
	}

	/** Starts printing, on a daemon thread. */
	public static void start(ReplicationManager manager) {
		Thread roles = new Thread(() -> {
			String last = null;
			while (manager.isRunning()) {
				DatabaseStatus status = manager.status().get(0);
				String role = "ROLE " + status.role() + " " + status.replicas().get(0).lease().role();
				if (!Objects.equals(role, last)) {
					System.out.println(role);
					last = role;
				}
				try {
					Thread.sleep(10);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}, "role-printer");
		roles.setDaemon(true);
		roles.start();
	}

}
