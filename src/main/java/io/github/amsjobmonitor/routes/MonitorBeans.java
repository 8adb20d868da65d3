package io.github.amsjobmonitor.routes;

import io.github.amsjobmonitor.MonitorConfiguration;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.BeanInject;
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
     * Makes the beans as camel-main would: each {@code @BindToRegistry} method called with its
     * parameters resolved in {@code context} ({@code @PropertyInject} settings, {@code @BeanInject}
     * beans by name, the CamelContext, other beans by type), a bean another one needs made first.
     * No bean connects anywhere when made: the check-topic creation happens in
     * MonitorConfiguration.configure, not called here.
     */
    static void create(CamelContext context) throws Exception {
        MonitorConfiguration configuration = new MonitorConfiguration();
        Map<String, Object> made = new LinkedHashMap<>();
        for (Method method : beanMethods()) {
            make(method, configuration, context, made);
        }
    }

    private static Object make(Method method, MonitorConfiguration configuration, CamelContext context, Map<String, Object> made)
            throws Exception {
        String name = nameOf(method);
        if (made.containsKey(name)) {
            return made.get(name);
        }
        Parameter[] parameters = method.getParameters();
        Object[] arguments = new Object[parameters.length];
        for (int i = 0; i < parameters.length; i++) {
            arguments[i] = argument(parameters[i], configuration, context, made);
        }
        Object bean = method.invoke(configuration, arguments);
        made.put(name, bean);
        context.getRegistry().bind(name, bean);
        return bean;
    }

    private static Object argument(Parameter parameter, MonitorConfiguration configuration, CamelContext context,
                                   Map<String, Object> made) throws Exception {
        PropertyInject property = parameter.getAnnotation(PropertyInject.class);
        if (property != null) {
            String value = context.resolvePropertyPlaceholders("{{" + property.value() + "}}");
            return context.getTypeConverter().mandatoryConvertTo(parameter.getType(), value);
        }
        if (CamelContext.class.isAssignableFrom(parameter.getType())) {
            return context;
        }
        BeanInject named = parameter.getAnnotation(BeanInject.class);
        for (Method method : beanMethods()) {
            boolean matches = named != null && !named.value().isEmpty()
                    ? nameOf(method).equals(named.value())
                    : parameter.getType().isAssignableFrom(method.getReturnType());
            if (matches) {
                return make(method, configuration, context, made);
            }
        }
        throw new IllegalStateException("no bean for parameter " + parameter.getName() + " (" + parameter.getType().getName() + ")");
    }

    private static List<Method> beanMethods() {
        return Arrays.stream(MonitorConfiguration.class.getMethods())
                .filter(m -> m.isAnnotationPresent(BindToRegistry.class)).toList();
    }

    /** A bean's name is declared on its method, never taken from the method's name (a rename would break the routes). */
    private static String nameOf(Method method) {
        String name = method.getAnnotation(BindToRegistry.class).value();
        if (name.isEmpty()) {
            throw new IllegalStateException("MonitorConfiguration." + method.getName() + " binds a bean without declaring its name");
        }
        return name;
    }
}
