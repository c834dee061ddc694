package dev.tally.config;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads YAML into {@link Node}s with paths and lines, interpolating the environment into scalar
 * values. SnakeYAML (the parser under jackson-dataformat-yaml) is used at its node level because
 * that is where every value still carries its position; duplicate keys, which a YAML map would
 * silently collapse, become problems here.
 */
final class YamlTree {
    private final Map<String, String> env;
    private final Problems problems;
    // Nodes on the current descent: an alias back to an ancestor would otherwise recurse forever.
    private final Set<org.yaml.snakeyaml.nodes.Node> descent = Collections.newSetFromMap(new IdentityHashMap<>());

    private YamlTree(Map<String, String> env, Problems problems) {
        this.env = env;
        this.problems = problems;
    }

    /** The document's root, or null when the text is not YAML or is empty (a problem says which). */
    static Node read(String yaml, Map<String, String> env, Problems problems) {
        org.yaml.snakeyaml.nodes.Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            problems.add("", syntaxMessage(e), line(e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark()));
            return null;
        } catch (YAMLException e) {
            problems.add("", "YAML error: " + e.getMessage(), 0);
            return null;
        }
        if (root == null) {
            problems.add("", "the file is empty", 0);
            return null;
        }
        return new YamlTree(env, problems).convert(root, "", line(root.getStartMark()));
    }

    private static String syntaxMessage(MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
        String column = mark != null ? " at column " + (mark.getColumn() + 1) : "";
        // The context often names the real cause, e.g. the flow mapping whose '}' is missing.
        Mark contextMark = e.getContextMark();
        String context = e.getContext() == null || contextMark == null || contextMark == mark ? ""
                : " (" + e.getContext().strip() + " that starts at line " + line(contextMark)
                        + ", column " + (contextMark.getColumn() + 1) + ")";
        // SnakeYAML's problem and context texts are single lines and quote at most a token of the input.
        return "YAML syntax error" + column + ": " + problem.strip() + context;
    }

    private static int line(Mark mark) {
        return mark == null ? 0 : mark.getLine() + 1;
    }

    private Node convert(org.yaml.snakeyaml.nodes.Node node, String path, int line) {
        if (node instanceof ScalarNode scalar) {
            return scalar(scalar, path);
        }
        if (!descent.add(node)) {
            problems.add(path, "refers to itself through an alias", line);
            return new Node.Scalar(path, line, null, List.of(), true);
        }
        try {
            if (node instanceof SequenceNode seq) {
                List<Node> items = new ArrayList<>(seq.getValue().size());
                for (org.yaml.snakeyaml.nodes.Node item : seq.getValue()) {
                    String itemPath = path + "[" + items.size() + "]";
                    items.add(convert(item, itemPath, line(item.getStartMark())));
                }
                return new Node.Sequence(path, line, List.copyOf(items));
            }
            Map<String, Node> entries = new LinkedHashMap<>();
            Map<String, Integer> keyLines = new LinkedHashMap<>();
            addEntries((MappingNode) node, path, entries, keyLines, false);
            return new Node.Mapping(path, line, Collections.unmodifiableMap(entries),
                    Collections.unmodifiableMap(keyLines));
        } finally {
            descent.remove(node);
        }
    }

    /**
     * Adds a mapping's entries. Entries merged in with {@code <<: *anchor} never override keys the
     * mapping sets itself, as YAML's merge key specifies.
     */
    private void addEntries(MappingNode map, String path, Map<String, Node> entries,
                            Map<String, Integer> keyLines, boolean merged) {
        List<MappingNode> merges = new ArrayList<>();
        for (NodeTuple tuple : map.getValue()) {
            org.yaml.snakeyaml.nodes.Node keyNode = tuple.getKeyNode();
            org.yaml.snakeyaml.nodes.Node valueNode = tuple.getValueNode();
            int keyLine = line(keyNode.getStartMark());
            if (keyNode.getTag().equals(Tag.MERGE)) {
                collectMerges(valueNode, path, keyLine, merges);
                continue;
            }
            if (!(keyNode instanceof ScalarNode keyScalar)) {
                problems.add(path, "keys must be plain strings, found a " + keyNode.getNodeId() + " key", keyLine);
                continue;
            }
            String key = keyScalar.getValue();
            String childPath = path.isEmpty() ? key : path + "." + key;
            if (entries.containsKey(key)) {
                if (!merged) {
                    problems.add(childPath, "duplicate key, first at line " + keyLines.get(key), keyLine);
                }
                continue;
            }
            int valueLine = valueNode instanceof ScalarNode ? line(valueNode.getStartMark()) : keyLine;
            entries.put(key, convert(valueNode, childPath, valueLine));
            keyLines.put(key, keyLine);
        }
        for (MappingNode merge : merges) {
            addEntries(merge, path, entries, keyLines, true);
        }
    }

    private void collectMerges(org.yaml.snakeyaml.nodes.Node value, String path, int line, List<MappingNode> into) {
        if (value instanceof MappingNode m) {
            into.add(m);
        } else if (value instanceof SequenceNode s && s.getValue().stream().allMatch(MappingNode.class::isInstance)) {
            s.getValue().forEach(n -> into.add((MappingNode) n));
        } else {
            problems.add(path, "<< must merge a mapping or a list of mappings", line);
        }
    }

    private Node.Scalar scalar(ScalarNode node, String path) {
        int line = line(node.getStartMark());
        if (node.getTag().equals(Tag.NULL)) {
            return new Node.Scalar(path, line, null, List.of(), false);
        }
        EnvInterpolation.Result r = EnvInterpolation.apply(node.getValue(), env);
        for (String name : r.missing()) {
            problems.add(path, "environment variable " + name + " is not set", line);
        }
        return new Node.Scalar(path, line, r.text(), r.vars(), !r.missing().isEmpty());
    }
}

