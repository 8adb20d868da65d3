package io.github.amsjobmonitor.routes;

import io.github.amsjobmonitor.MonitorConfiguration;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.List;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/** The beans routes may refer to ({@code ref:}): those {@link MonitorConfiguration} binds, by the same names. */
final class MonitorBeans {

    private MonitorBeans() {
    }

    static List<String> names() {
        return beanMethods().stream().map(MonitorBeans::nameOf).toList();
    }

    /** Binds the monitor's beans to {@code from}'s running instances. */
    static void bindFrom(CamelContext from, CamelContext to) {
        for (String name : names()) {
            Object bean = from.getRegistry().lookupByName(name);
            if (bean != null) {
                to.getRegistry().bind(name, bean);
            }
        }
    }

    /**
     * Makes the beans as camel-main would (the {@code @BindToRegistry} methods with their
     * {@code @PropertyInject} settings resolved in {@code context}). No bean connects anywhere
     * when made: the check-topic creation happens in MonitorConfiguration.configure, not called here.
     */
    static void create(CamelContext context) throws Exception {
        MonitorConfiguration configuration = new MonitorConfiguration();
        for (Method method : beanMethods()) {
            Parameter[] parameters = method.getParameters();
            Object[] arguments = new Object[parameters.length];
            for (int i = 0; i < parameters.length; i++) {
                String key = parameters[i].getAnnotation(PropertyInject.class).value();
                String value = context.resolvePropertyPlaceholders("{{" + key + "}}");
                arguments[i] = context.getTypeConverter().mandatoryConvertTo(parameters[i].getType(), value);
            }
            context.getRegistry().bind(nameOf(method), method.invoke(configuration, arguments));
        }
    }

    private static List<Method> beanMethods() {
        return Arrays.stream(MonitorConfiguration.class.getMethods())
                .filter(m -> m.isAnnotationPresent(BindToRegistry.class)).toList();
    }

    private static String nameOf(Method method) {
        String name = method.getAnnotation(BindToRegistry.class).value();
        return name.isEmpty() ? method.getName() : name;
    }
}
