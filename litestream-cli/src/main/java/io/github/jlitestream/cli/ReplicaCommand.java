package io.github.jlitestream.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A command on the replicas that its arguments name: resolves them, runs, closes their
 * clients.
 */
abstract class ReplicaCommand implements Callable<Integer> {

	@Mixin
	ReplicaArguments replicas;

	@Option(names = { "-json", "--json" }, description = "Print JSON instead of a table.")
	boolean json;

	@Spec
	CommandSpec spec;

	@Override
	public final Integer call() throws Exception {
		List<SelectedReplica> selected = this.replicas.resolve();
		try {
			return run(selected);
		}
		finally {
			SelectedReplica.closeAll(selected);
		}
	}

	abstract int run(List<SelectedReplica> replicas) throws IOException;

	PrintWriter out() {
		return this.spec.commandLine().getOut();
	}

	PrintWriter err() {
		return this.spec.commandLine().getErr();
	}

	/** Runs a listing of one replica, naming the replica when the store fails. */
	static <T> T listing(SelectedReplica replica, IoSupplier<T> listing) {
		try {
			return listing.get();
		}
		catch (IOException | RuntimeException ex) {
			throw new CliException(ExitCode.FAILURE, "cannot list replica " + replica.name() + " ("
					+ replica.client().location() + "): " + ex.getMessage(), ex);
		}
	}

	@FunctionalInterface
	interface IoSupplier<T> {

		T get() throws IOException;

	}

}
