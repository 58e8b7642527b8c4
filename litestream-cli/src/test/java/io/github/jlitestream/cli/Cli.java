package io.github.jlitestream.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in this JVM and keeps what it printed. */
record Cli(int exitCode, String out, String err) {

	static Cli run(String... args) {
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		int code = LitestreamCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
		return new Cli(code, out.toString(), err.toString());
	}

	String all() {
		return this.out + this.err;
	}

	@Override
	public String toString() {
		return "exit " + this.exitCode + "\n--- out\n" + this.out + "--- err\n" + this.err;
	}

}
