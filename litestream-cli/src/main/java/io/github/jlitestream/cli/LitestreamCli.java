package io.github.jlitestream.cli;

import java.io.IOException;
import java.io.PrintWriter;

import io.github.jlitestream.core.CorruptReplicaException;
import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.restore.NoBackupException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/**
 * The command line: {@code java -jar litestream-cli.jar <command>}, with Litestream
 * v0.3.13's command names, flags and columns, and exit codes a script can rely on:
 * {@value ExitCode#OK} done, {@value ExitCode#FAILURE} failed, {@value ExitCode#USAGE}
 * bad usage, {@value ExitCode#NO_BACKUP} no backup, {@value ExitCode#DAMAGED} a damaged
 * replica.
 */
@Command(name = "litestream-cli", mixinStandardHelpOptions = true, version = "litestream-cli 0.1.0",
		description = "Restores, lists, inspects and verifies replicas of SQLite databases (Litestream v0.3 layout).",
		subcommands = { RestoreCommand.class, GenerationsCommand.class, SnapshotsCommand.class, WalCommand.class,
				VerifyCommand.class, InfoCommand.class, RollbackCommand.class },
		exitCodeListHeading = "%nExit codes:%n",
		exitCodeList = { "0:done", "1:failed (store unreachable, file not writable, ...)",
				"2:bad usage (unknown command or flag, bad value)", "3:no backup that matches",
				"4:the replica is damaged (the object is named)" })
public final class LitestreamCli implements Runnable {

	LitestreamCli() {
	}

	/** No command: the usage, and the exit code of bad usage. */
	@Override
	public void run() {
		throw CliException
			.usage("give a command: restore, generations, snapshots, wal, verify, info or rollback (-h lists them)");
	}

	public static void main(String[] args) {
		System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
	}

	/**
	 * Runs a command line, printing to {@code out} and {@code err}; returns the exit
	 * code.
	 */
	public static int run(PrintWriter out, PrintWriter err, String... args) {
		CommandLine line = new CommandLine(new LitestreamCli());
		line.setOut(out);
		line.setErr(err);
		line.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
			PrintWriter printer = commandLine.getErr();
			if (ex instanceof CliException failure) {
				printer.println("litestream-cli: " + failure.getMessage());
				return failure.exitCode();
			}
			if (ex instanceof CorruptReplicaException damaged) {
				printer.println("litestream-cli: the replica is damaged: " + damaged.getMessage());
				return ExitCode.DAMAGED;
			}
			if (ex instanceof NoBackupException none) {
				printer.println("litestream-cli: " + none.getMessage());
				return ExitCode.NO_BACKUP;
			}
			if (ex instanceof LitestreamException || ex instanceof IOException) {
				printer.println("litestream-cli: " + ex.getMessage());
				return ExitCode.FAILURE;
			}
			printer.println("litestream-cli: " + ex);
			return ExitCode.FAILURE;
		});
		line.setParameterExceptionHandler((ParameterException ex, String[] arguments) -> {
			ex.getCommandLine().getErr().println("litestream-cli: " + ex.getMessage());
			ex.getCommandLine()
				.getErr()
				.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " -h' for its flags.");
			return ExitCode.USAGE;
		});
		int code = line.execute(args);
		out.flush();
		err.flush();
		return code;
	}

}
