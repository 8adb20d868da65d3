package io.github.amsjobmonitor.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What RestoreTest relies on: a thread asleep in the monitor's own code is found, one waiting in Kafka's is not. */
class ThreadDumpTest {

    private static final String DUMP = """
            "Camel (camel-1) thread #12 - KafkaConsumer[job-checks]" #40 daemon prio=5 os_prio=0 cpu=90ms tid=0x1 nid=0x2 waiting on condition  [0x3]
               java.lang.Thread.State: TIMED_WAITING (sleeping)
            \tat java.lang.Thread.sleep(java.base@17.0.13/Native Method)
            \tat io.github.amsjobmonitor.tracking.DueCheckGate.awaitDue(DueCheckGate.java:28)
            \tat org.apache.camel.support.processor.DelegateSyncProcessor.process(DelegateSyncProcessor.java:65)

            "tracking-store" #35 daemon prio=5 os_prio=0 cpu=210ms tid=0x4 nid=0x5 waiting on condition  [0x6]
               java.lang.Thread.State: TIMED_WAITING (parking)
            \tat jdk.internal.misc.Unsafe.park(java.base@17.0.13/Native Method)
            \t- parking to wait for  <0x7> (a java.util.concurrent.CountDownLatch$Sync)
            \tat java.util.concurrent.locks.LockSupport.parkNanos(java.base@17.0.13/LockSupport.java:252)
            \tat org.apache.kafka.clients.consumer.internals.ConsumerNetworkClient.poll(ConsumerNetworkClient.java:250)
            \tat io.github.amsjobmonitor.tracking.TrackingStore.run(TrackingStore.java:90)
            \tat java.lang.Thread.run(java.base@17.0.13/Thread.java:840)

            "Camel (camel-1) thread #3 - job-checks" #20 daemon prio=5 os_prio=0 cpu=1ms tid=0x8 nid=0x9 waiting on condition  [0xa]
               java.lang.Thread.State: WAITING (parking)
            \tat jdk.internal.misc.Unsafe.park(java.base@17.0.13/Native Method)
            \tat java.util.concurrent.ThreadPoolExecutor.getTask(java.base@17.0.13/ThreadPoolExecutor.java:1062)
            \tat java.lang.Thread.run(java.base@17.0.13/Thread.java:840)

            "main" #1 prio=5 os_prio=0 cpu=900ms tid=0xb nid=0xc runnable  [0xd]
               java.lang.Thread.State: RUNNABLE
            \tat io.github.amsjobmonitor.Application.main(Application.java:20)
            """;

    @Test
    void should_find_only_the_thread_asleep_in_the_monitors_own_code() {
        List<String> waiting = MonitorProcess.threadsWaitingInMonitorCode(DUMP);
        assertEquals(1, waiting.size(), waiting.toString());
        assertTrue(waiting.get(0).contains("DueCheckGate.awaitDue"), waiting.get(0));
    }
}
