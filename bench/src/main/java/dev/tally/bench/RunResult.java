package dev.tally.bench;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One contender's run of one workload, or the median of several. A failed run carries its reason
 * and NaN figures.
 *
 * @param brokerCpuSecondsPerMillion the broker's CPU during the run, per million input records
 * @param heapPeakBytes      -1 when the process did not report one
 * @param internalBytesPerRecord bytes of its changelog and repartition topics per input record
 * @param deadLetters        records in its dead-letter topic (late or malformed), -1 when it has none
 * @param outputPerInput     committed output records per input record (what the job had to write)
 */
record RunResult(String contender, double recordsPerSec, double cpuSecondsPerMillion, double brokerCpuSecondsPerMillion,
                 long peakRssBytes, long heapPeakBytes, long stateBytes, double internalBytesPerRecord,
                 double elapsedSeconds, long deadLetters, double outputPerInput, String error) {

    static RunResult failed(String contender, String error) {
        return new RunResult(contender, Double.NaN, Double.NaN, Double.NaN, -1, -1, -1, Double.NaN, Double.NaN, -1, Double.NaN, error);
    }

    boolean ok() {
        return error == null;
    }

    /** Median of each figure over the successful runs; failed when none succeeded. */
    static RunResult median(List<RunResult> runs) {
        List<RunResult> ok = runs.stream().filter(RunResult::ok).toList();
        if (ok.isEmpty()) {
            return runs.get(runs.size() - 1);
        }
        return new RunResult(ok.get(0).contender(),
                median(ok, RunResult::recordsPerSec), median(ok, RunResult::cpuSecondsPerMillion),
                median(ok, RunResult::brokerCpuSecondsPerMillion),
                (long) median(ok, RunResult::peakRssBytes), (long) median(ok, RunResult::heapPeakBytes),
                (long) median(ok, RunResult::stateBytes), median(ok, RunResult::internalBytesPerRecord),
                median(ok, RunResult::elapsedSeconds), (long) median(ok, RunResult::deadLetters),
                median(ok, RunResult::outputPerInput), null);
    }

    static double median(List<RunResult> runs, ToDoubleFunction<RunResult> figure) {
        double[] v = runs.stream().mapToDouble(figure).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    @Override
    public String toString() {
        return ok() ? String.format("%s %.0f rec/s, %.1f CPU s/M (broker %.1f), RSS %s, heap %s, state %s, %.1f B/rec, %.1f s, %.2f out/in%s",
                contender, recordsPerSec, cpuSecondsPerMillion, brokerCpuSecondsPerMillion, Table.bytes(peakRssBytes), Table.bytes(heapPeakBytes),
                Table.bytes(stateBytes), internalBytesPerRecord, elapsedSeconds, outputPerInput,
                deadLetters >= 0 ? ", " + deadLetters + " dead letters" : "")
                : contender + " failed: " + error;
    }
}
