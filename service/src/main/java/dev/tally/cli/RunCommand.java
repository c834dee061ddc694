package dev.tally.cli;

import dev.tally.config.TallyConfig;
import dev.tally.service.TallyService;
import dev.tally.service.http.TallyHttpServer;
import dev.tally.service.metrics.ProcessMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "run", description = "Run every job of the config file against kafka.bootstrap.servers until SIGTERM.")
final class RunCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, description = "the YAML config file")
    Path config;

    @Override
    public Integer call() throws Exception {
        TallyConfig c;
        try {
            c = ConfigFiles.load(config);
        } catch (ConfigFiles.BadConfig e) {
            System.err.println(e.getMessage());
            return ConfigFiles.BAD_CONFIG;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ProcessMetrics processMetrics = ProcessMetrics.bindTo(registry);
        TallyService service = new TallyService(c, registry);
        // Before the jobs start, so probes answer (live, not ready) while they restore.
        TallyHttpServer http = c.http().enabled() ? TallyHttpServer.start(c.http(), service, registry) : null;
        Thread hook = new Thread(() -> {
            try {
                if (http != null) {
                    http.close();
                }
                service.close();
                processMetrics.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tally-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        service.start();
        System.err.println("tally: instance " + service.instanceId() + " running " + c.jobs().size() + " job(s)");
        if (http != null) {
            System.err.println("tally: HTTP on " + http.url() + " (dashboard at /, /metrics, /health/live, /health/ready, /jobs)");
        }
        service.awaitTermination();
        return service.anyFailed() ? 1 : 0;
    }
}
