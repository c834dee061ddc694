package dev.tally.cli;

import dev.tally.config.JobConfig;
import dev.tally.config.TallyConfig;
import dev.tally.connectors.postgres.TableCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "validate", description = "Check a config file: every problem with its YAML path and line; exit 2 if any."
        + " With --connect, also each job's database table: exit 1 when the sink could not write it.")
final class ValidateCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, description = "the YAML config file")
    Path config;

    @Option(names = "--connect", description = "connect to each sink.postgres database and compare its table with the job;"
            + " prints the statements to run, changes nothing")
    boolean connect;

    @Override
    public Integer call() {
        TallyConfig c;
        try {
            c = ConfigFiles.load(config);
        } catch (ConfigFiles.BadConfig e) {
            System.err.println(e.getMessage());
            return ConfigFiles.BAD_CONFIG;
        }
        System.out.println(config + ": ok, " + c.jobs().size() + " job(s): "
                + String.join(", ", c.jobs().stream().map(JobConfig::name).toList()));
        boolean blocked = false;
        for (JobConfig job : connect ? c.jobs() : java.util.List.<JobConfig>of()) {
            if (job.sink().postgres() != null) {
                TableCheck check = TableCheck.of(job);
                check.lines().forEach(line -> System.out.println("job " + job.name() + ": " + line));
                blocked |= check.blocked();
            }
        }
        return blocked ? 1 : 0;
    }
}
