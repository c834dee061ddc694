package dev.tally.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tally}: run, validate, explain, test, demo, ingest. */
@Command(name = "tally", mixinStandardHelpOptions = true, version = "tally 0.1.0",
        description = "Exactly-once windowed aggregates next to Kafka.",
        subcommands = {RunCommand.class, ValidateCommand.class, ExplainCommand.class, TestCommand.class, DemoCommand.class, IngestCommand.class})
public final class TallyCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command and returns its exit code: 0 ok, 1 failure, 2 bad configuration or usage. */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new TallyCli());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("tally: " + e.getMessage());
            return 1;
        });
        return cl.execute(args);
    }
}
