package dev.tally.chaos;

import java.util.List;
import java.util.Map;

/**
 * The figures of one run. It passed when the output equals the oracle, every dead letter is there
 * exactly once, no transaction hangs, the jobs caught up, and no instance failed on its own.
 */
record ChaosReport(long records, long windowsChecked, Map<Fault, Integer> faults, int crashesHit,
                   int unexpectedExits, int jobFailures, List<String> mismatches, long deadLetterDuplicates,
                   long deadLettersMissing, long deadLettersUnexpected, List<String> hanging, boolean caughtUp,
                   long inputProblems, List<String> problems, long durationMillis) {

    ChaosReport {
        faults = Map.copyOf(faults);
        mismatches = List.copyOf(mismatches);
        hanging = List.copyOf(hanging);
        problems = List.copyOf(problems);
    }

    boolean passed() {
        return caughtUp && inputProblems == 0 && mismatches.isEmpty() && deadLetterDuplicates == 0 && deadLettersMissing == 0
                && deadLettersUnexpected == 0 && hanging.isEmpty() && unexpectedExits == 0 && jobFailures == 0;
    }

    int faultsInjected() {
        return faults.values().stream().mapToInt(Integer::intValue).sum();
    }

    String summary() {
        StringBuilder b = new StringBuilder();
        b.append("records:               ").append(records).append('\n')
                .append("windows checked:       ").append(windowsChecked).append('\n')
                .append("faults injected:       ").append(faultsInjected()).append(' ').append(faults).append('\n')
                .append("crash points hit:      ").append(crashesHit).append('\n')
                .append("mismatches:            ").append(mismatches.size()).append('\n')
                .append("dead letters:          ").append(deadLetterDuplicates).append(" duplicated, ")
                .append(deadLettersMissing).append(" missing, ").append(deadLettersUnexpected).append(" unexpected\n")
                .append("hanging transactions:  ").append(hanging.size()).append(hanging.isEmpty() ? "" : " " + hanging).append('\n')
                .append("caught up:             ").append(caughtUp).append('\n')
                .append("input problems:        ").append(inputProblems).append('\n')
                .append("unexpected exits:      ").append(unexpectedExits).append('\n')
                .append("job failures:          ").append(jobFailures).append('\n')
                .append("duration:              ").append(durationMillis / 1000).append(" s\n")
                .append("result:                ").append(passed() ? "PASS" : "FAIL").append('\n');
        mismatches.stream().limit(20).forEach(m -> b.append("  mismatch: ").append(m).append('\n'));
        problems.stream().limit(20).forEach(p -> b.append("  problem: ").append(p).append('\n'));
        return b.toString();
    }
}
