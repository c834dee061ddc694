package dev.tally.cli;

import dev.tally.config.TallyConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "validate", description = "Check a config file: every problem with its YAML path and line; exit 2 if any.")
final class ValidateCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, description = "the YAML config file")
    Path config;

    @Override
    public Integer call() {
        try {
            TallyConfig c = ConfigFiles.load(config);
            System.out.println(config + ": ok, " + c.jobs().size() + " job(s): "
                    + String.join(", ", c.jobs().stream().map(j -> j.name()).toList()));
            return 0;
        } catch (ConfigFiles.BadConfig e) {
            System.err.println(e.getMessage());
            return ConfigFiles.BAD_CONFIG;
        }
    }
}
