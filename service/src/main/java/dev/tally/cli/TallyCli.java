package dev.tally.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code tally}: run, validate, explain, test, demo, ingest. */
@Command(name = "tally", mixinStandardHelpOptions = true, version = "tally 0.1.0",
        description = "Exactly-once windowed aggregates next to Kafka.",
        subcommands = {RunCommand.class, ValidateCommand.class, ExplainCommand.class, TestCommand.class})
public final class TallyCli implements Runnable {
    /** In the demo module, which carries an embedded Kafka broker the service's runtime must not ship. */
    static final String DEMO_COMMAND = "dev.tally.demo.DemoCommand";

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
        cl.addSubcommand("demo", demoCommand());
        cl.addSubcommand("ingest", new IngestCommand());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("tally: " + e.getMessage());
            return 1;
        });
        return cl.execute(args);
    }

    /** The demo module's command when it is on the classpath ({@code bin/tally demo} puts it there), else a pointer to it. */
    private static Object demoCommand() {
        try {
            return Class.forName(DEMO_COMMAND).getConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            return new DemoMissing();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + DEMO_COMMAND, e);
        }
    }

    @Command(name = "demo", description = "Embedded Kafka + line generator + word count (needs the demo module: mvn -B -DskipTests install).")
    static final class DemoMissing implements Callable<Integer> {
        @CommandLine.Unmatched
        List<String> ignored;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getErr().println("tally demo needs the demo module (demo/target/tally-demo.jar and demo/target/lib): "
                    + "build with mvn -B -DskipTests install, then run bin/tally demo");
            return 1;
        }
    }
}
