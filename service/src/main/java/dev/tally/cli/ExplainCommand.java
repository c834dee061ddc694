package dev.tally.cli;

import dev.tally.config.JobConfig;
import dev.tally.config.TallyConfig;
import dev.tally.service.JobExplanation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "explain", description = "Print what each job of a config file does: topics, repartitioning, windows, time, output, state.")
final class ExplainCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, description = "the YAML config file")
    Path config;

    @Option(names = "--job", description = "only this job")
    String job;

    @Override
    public Integer call() {
        TallyConfig c;
        try {
            c = ConfigFiles.load(config);
        } catch (ConfigFiles.BadConfig e) {
            System.err.println(e.getMessage());
            return ConfigFiles.BAD_CONFIG;
        }
        boolean first = true;
        for (JobConfig j : c.jobs()) {
            if (job != null && !job.equals(j.name())) {
                continue;
            }
            if (!first) {
                System.out.println();
            }
            first = false;
            System.out.print(JobExplanation.of(j));
        }
        if (first) {
            System.err.println(config + ": no job named " + job);
            return ConfigFiles.BAD_CONFIG;
        }
        return 0;
    }
}
