package io.github.amsjobmonitor.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import com.networknt.schema.path.NodePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Checks one route file as text: it is YAML, it holds at least one route or routeConfiguration,
 * and it follows the YAML DSL's JSON schema that ships inside camel-yaml-dsl. The YAML is read
 * with its line numbers (snakeyaml-engine, as the YAML DSL itself does) so that a schema finding
 * points at the line the operator edited.
 */
public final class RouteSchemaCheck {

    private static final Schema SCHEMA = loadSchema();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RouteSchemaCheck() {
    }

    public static List<RouteProblem> check(String file, String text) {
        List<Node> documents = new ArrayList<>();
        try {
            new Compose(LoadSettings.builder().setLabel(file).build()).composeAllFromString(text).forEach(documents::add);
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
            return List.of(new RouteProblem(file, line, "not valid YAML: " + e.getProblem()));
        } catch (YamlEngineException e) {
            return List.of(new RouteProblem(file, 0, "not valid YAML: " + e.getMessage()));
        }
        if (documents.isEmpty() || documents.stream().noneMatch(d -> d instanceof SequenceNode s && !s.getValue().isEmpty())) {
            // an empty file would make the reload remove the file's route: never what an edit means
            return List.of(new RouteProblem(file, 0, "defines no route (a route file is a YAML list: - route: ...)"));
        }
        List<RouteProblem> problems = new ArrayList<>();
        for (Node document : documents) {
            Map<String, Integer> lines = new HashMap<>();
            JsonNode json = toJson(document, "", lines);
            problems.addAll(schemaProblems(file, json, lines));
        }
        return problems;
    }

    /** The ids of the routes and routeConfigurations in a file that passed {@link #check}, with their lines. */
    static Map<String, Integer> ids(String text) {
        Map<String, Integer> ids = new java.util.LinkedHashMap<>();
        for (Node document : new Compose(LoadSettings.builder().build()).composeAllFromString(text)) {
            Map<String, Integer> lines = new HashMap<>();
            JsonNode json = toJson(document, "", lines);
            for (int i = 0; i < json.size(); i++) {
                for (String kind : List.of("route", "routeConfiguration")) {
                    JsonNode id = json.get(i).path(kind).path("id");
                    if (id.isTextual()) {
                        ids.put(id.asText(), lines.getOrDefault("/" + i + "/" + kind + "/id", 0));
                    }
                }
            }
        }
        return ids;
    }

    /** The deepest findings only: a wrong step fails every branch of the schema's oneOf above it too. */
    private static List<RouteProblem> schemaProblems(String file, JsonNode json, Map<String, Integer> lines) {
        List<Error> errors = SCHEMA.validate(json).stream().filter(e -> !acceptedByTheDsl(e)).toList();
        if (errors.isEmpty()) {
            return List.of();
        }
        int deepest = errors.stream().mapToInt(e -> e.getInstanceLocation().getNameCount()).max().orElse(0);
        return errors.stream()
                .filter(e -> e.getInstanceLocation().getNameCount() == deepest)
                .sorted(Comparator.comparing(e -> e.getInstanceLocation().toString()))
                .map(e -> new RouteProblem(file, lineOf(e.getInstanceLocation(), lines),
                        "does not follow the YAML DSL schema: " + e.getMessage()))
                .distinct()
                .limit(3)
                .toList();
    }

    /**
     * The schema types options strictly (maximumRedeliveries: number), but the YAML DSL takes a
     * string for any option and converts it: a {{placeholder}} (resolved and checked by the dry run)
     * or a quoted number or boolean is what Camel accepts, so it is not reported.
     */
    private static boolean acceptedByTheDsl(Error error) {
        JsonNode value = error.getInstanceNode();
        if (!"type".equals(error.getKeyword()) || value == null || !value.isTextual()) {
            return false;
        }
        String text = value.asText().trim();
        return text.matches(".*\\{\\{.+}}.*") || text.matches("-?\\d+(\\.\\d+)?") || text.equals("true") || text.equals("false");
    }

    private static int lineOf(NodePath path, Map<String, Integer> lines) {
        for (int n = path.getNameCount(); n >= 0; n--) {
            StringBuilder key = new StringBuilder();
            for (int i = 0; i < n; i++) {
                key.append('/').append(path.getElement(i));
            }
            Integer line = lines.get(key.toString());
            if (line != null) {
                return line;
            }
        }
        return 0;
    }

    private static JsonNode toJson(Node node, String pointer, Map<String, Integer> lines) {
        node.getStartMark().ifPresent(m -> lines.put(pointer, m.getLine() + 1));
        if (node instanceof MappingNode mapping) {
            ObjectNode object = NODES.objectNode();
            for (NodeTuple entry : mapping.getValue()) {
                String key = entry.getKeyNode() instanceof ScalarNode s ? s.getValue() : String.valueOf(entry.getKeyNode());
                String child = pointer + "/" + key;
                entry.getKeyNode().getStartMark().ifPresent(m -> lines.put(child, m.getLine() + 1));
                object.set(key, toJson(entry.getValueNode(), child, lines));
            }
            return object;
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode array = NODES.arrayNode();
            for (int i = 0; i < sequence.getValue().size(); i++) {
                array.add(toJson(sequence.getValue().get(i), pointer + "/" + i, lines));
            }
            return array;
        }
        ScalarNode scalar = (ScalarNode) node;
        Tag tag = scalar.getTag();
        String value = scalar.getValue();
        try {
            if (Tag.INT.equals(tag)) {
                return NODES.numberNode(Long.parseLong(value));
            }
            if (Tag.FLOAT.equals(tag)) {
                return NODES.numberNode(Double.parseDouble(value));
            }
        } catch (NumberFormatException e) {
            return NODES.textNode(value);
        }
        if (Tag.BOOL.equals(tag)) {
            return NODES.booleanNode(Boolean.parseBoolean(value));
        }
        if (Tag.NULL.equals(tag)) {
            return NODES.nullNode();
        }
        return NODES.textNode(value);
    }

    private static Schema loadSchema() {
        try (InputStream in = RouteSchemaCheck.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            if (in == null) {
                throw new IllegalStateException("schema/camelYamlDsl.json is missing from the classpath (camel-yaml-dsl)");
            }
            // the Camel schema marks options "deprecated", a keyword draft 4 does not know: only a note
            Dialect draft4 = Dialect.builder(Dialects.getDraft4()).keyword(new NonValidationKeyword("deprecated")).build();
            return SchemaRegistry.withDialect(draft4).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
