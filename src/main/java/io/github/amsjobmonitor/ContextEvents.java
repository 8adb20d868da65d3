package io.github.amsjobmonitor;

import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;

/**
 * Runs something on the Camel context's own events (starting, started...). The notifier takes no
 * exchange, route, service or step events: one that takes exchange events, even to pass them over,
 * makes Camel build them for every exchange (docs/benchmarks.md, "The lean check, second pass").
 */
public final class ContextEvents {

    private ContextEvents() {
    }

    /** Calls {@code action} with each context event {@code which} takes, from the start of {@code context} on. */
    public static void on(CamelContext context, Predicate<CamelEvent> which, Consumer<CamelEvent> action) {
        SimpleEventNotifierSupport notifier = new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                action.accept(event);
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return which.test(event);
            }
        };
        notifier.setIgnoreExchangeEvents(true);
        notifier.setIgnoreRouteEvents(true);
        notifier.setIgnoreServiceEvents(true);
        notifier.setIgnoreStepEvents(true);
        context.getManagementStrategy().addEventNotifier(notifier);
    }
}
