package io.github.amsjobmonitor.routes;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.LoggerFactory;

/** {@code java -jar ams-job-monitor.jar validate [routes/]}: checks route files before they are deployed. */
public final class ValidateCommand {

    private ValidateCommand() {
    }

    public static int run(List<String> arguments, PrintStream out, PrintStream err) {
        Path folder = Path.of(arguments.isEmpty() ? "routes" : arguments.get(0));
        if (!Files.isDirectory(folder)) {
            err.println(folder + ": no such folder");
            return 2;
        }
        // the throwaway context's own start and stop lines say nothing to the operator
        Logger camel = (Logger) LoggerFactory.getLogger("org.apache.camel");
        Level level = camel.getLevel();
        camel.setLevel(Level.WARN);
        List<RouteProblem> problems;
        try {
            problems = RouteCheck.check(folder, RouteCheck.standalone());
        } finally {
            camel.setLevel(level);
        }
        if (problems.isEmpty()) {
            out.println("ok: " + RouteCheck.routeFiles(folder).size() + " route files in " + folder
                    + " follow the YAML DSL schema and load");
            return 0;
        }
        problems.forEach(err::println);
        err.println("refused: " + problems.size() + " problem(s) in " + folder);
        return 1;
    }
}
