package io.github.amsjobmonitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ams.breaker.*: the AMS circuit breaker (bean amsBreaker) as configured, and a bad setting named by its key. */
class AmsBreakerSettingTest {

    @Test
    void should_make_the_breaker_from_the_settings() {
        CircuitBreaker breaker = new MonitorConfiguration().amsBreaker(50, 20, 10, 30, 3);

        assertEquals(50, breaker.getCircuitBreakerConfig().getFailureRateThreshold());
        assertEquals(20, breaker.getCircuitBreakerConfig().getSlidingWindowSize());
        assertEquals(10, breaker.getCircuitBreakerConfig().getMinimumNumberOfCalls());
        assertEquals(3, breaker.getCircuitBreakerConfig().getPermittedNumberOfCallsInHalfOpenState());
        assertEquals(CircuitBreaker.State.CLOSED, breaker.getState());
    }

    @ParameterizedTest
    @CsvSource({
        "0,   20, 10, 30, 3, ams.breaker.failure-rate",
        "50,  0,  10, 30, 3, ams.breaker.window",
        "50,  20, 0,  30, 3, ams.breaker.minimum-calls",
        "50,  20, 10, 0,  3, ams.breaker.open-seconds",
        "50,  20, 10, 30, 0, ams.breaker.half-open-calls"})
    void should_name_the_key_of_a_setting_resilience4j_refuses(float rate, int window, int minimum, int open, int halfOpen, String key) {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> new MonitorConfiguration().amsBreaker(rate, window, minimum, open, halfOpen));

        assertEquals(key, e.getKey(), e.getMessage());
    }
}
