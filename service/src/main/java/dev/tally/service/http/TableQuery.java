package dev.tally.service.http;

import dev.tally.engine.record.TableRow;
import dev.tally.engine.table.StoredTable;
import dev.tally.service.TallyService;
import dev.tally.service.job.TableLoader;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /jobs/{job}/tables/{table}?key=K[&at=T]}: a key's row of a job's table in this instance's
 * copy, as a lookup at time T (epoch millis; default: the newest row) sees it, with the table's
 * size and lag: what a user checks when a lookup misses.
 */
final class TableQuery {
    private final TallyService service;

    TableQuery(TallyService service) {
        this.service = service;
    }

    Map<String, Object> answer(String job, String table, String rawQuery) {
        TableLoader loader = service.tableLoader(job);
        if (loader == null) {
            throw new Router.HttpError(404, "no job named " + PullQuery.printable(job));
        }
        StoredTable t = loader.tables().all().get(table);
        if (t == null) {
            throw new Router.HttpError(404, "job " + PullQuery.printable(job) + " has no table named " + PullQuery.printable(table));
        }
        String key = null;
        long at = Long.MAX_VALUE;
        for (String pair : rawQuery == null ? new String[0] : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (name.equals("key")) {
                key = value;
            } else if (name.equals("at")) {
                try {
                    at = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new Router.HttpError(400, "at must be epoch millis, got " + PullQuery.printable(value));
                }
            }
        }
        if (key == null || key.isEmpty() || key.length() > PullQuery.MAX_KEY_BYTES) {
            throw new Router.HttpError(400, "key is required (at most " + PullQuery.MAX_KEY_BYTES + " characters): "
                    + "/jobs/{job}/tables/{table}?key=K[&at=EPOCH_MILLIS]");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("job", job);
        body.put("table", table);
        body.put("key", key);
        if (at != Long.MAX_VALUE) {
            body.put("at", at);
        }
        TableRow row = t.lookup(key, at);
        if (row.found()) {
            Map<String, Object> fields = new LinkedHashMap<>();
            List<String> names = t.fields();
            for (int i = 0; i < names.size(); i++) {
                fields.put(names.get(i), row.values()[i]);
            }
            body.put("row", fields);
        } else {
            body.put("miss", row.miss());
        }
        body.put("status", loader.status().get(table));
        return body;
    }
}
