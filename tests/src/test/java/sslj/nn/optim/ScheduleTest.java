package sslj.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static sslj.nn.optim.OptimTesting.param;
import static sslj.nn.optim.SGDTest.assertMessage;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {
    @Test
    void warmupCosineKeySteps() {
        // base 1, 10 warmup steps, 110 in all, final 0.1
        WarmupCosine s = new WarmupCosine(1.0, 10, 110, 0.1);
        assertEquals(0.0, s.at(0), 1e-15);
        assertEquals(0.5, s.at(5), 1e-15);
        assertEquals(1.0, s.at(10), 1e-15);                                     // end of warmup
        assertEquals(0.1 + 0.9 * (1 + Math.cos(Math.PI / 4)) / 2, s.at(35), 1e-12);
        assertEquals(0.55, s.at(60), 1e-12);                                    // middle of the decay
        assertEquals(0.1, s.at(110), 1e-15);                                    // end
        assertEquals(0.1, s.at(500), 1e-15);
    }

    @Test
    void warmupFromStartValueAndNoWarmup() {
        WarmupCosine s = new WarmupCosine(1.0, 4, 8, 0, 0.2);
        assertEquals(0.2, s.at(0), 1e-15);
        assertEquals(0.6, s.at(2), 1e-15);
        assertEquals(1.0, s.at(4), 1e-15);
        WarmupCosine c = new WarmupCosine(0.3, 0, 100);
        assertEquals(0.3, c.at(0), 1e-15);
        assertEquals(0.15, c.at(50), 1e-12);
        assertEquals(0.0, c.at(100), 1e-15);
    }

    @Test
    void momentumScheduleEndpoints() {
        Schedule m = MomentumSchedule.cosine(0.996, 100);
        assertEquals(0.996, m.at(0), 1e-15);
        assertEquals(0.998, m.at(50), 1e-12);
        assertEquals(1.0, m.at(100), 1e-15);
        assertEquals(1.0, m.at(150), 1e-15);
        assertEquals(1 - 0.004 * (Math.cos(Math.PI * 0.25) + 1) / 2, m.at(25), 1e-15); // BYOL's formula
        Schedule m3 = MomentumSchedule.cosine(0.99, 0.999, 10);
        assertEquals(0.999, m3.at(10), 1e-15);
    }

    @Test
    void schedulerSetsEveryGroupWithScales() {
        ParamGroup a = ParamGroup.of(param(1.0)), b = ParamGroup.of(param(2.0)).lrScale(0.1);
        SGD opt = new SGD(List.of(a, b), 123);
        Scheduler sched = new Scheduler(opt, new WarmupCosine(1.0, 10, 110));
        assertEquals(0.0, a.lr(), 0);
        for (int i = 0; i < 5; i++) sched.step();
        assertEquals(5, sched.stepCount());
        assertEquals(0.5, a.lr(), 1e-15);
        assertEquals(0.05, b.lr(), 1e-15);
        sched.setStepCount(60);
        assertEquals(0.5, a.lr(), 1e-12);
    }

    @Test
    void badArguments() {
        assertMessage("baseLr", () -> new WarmupCosine(-1, 1, 2));
        assertMessage("warmupSteps", () -> new WarmupCosine(1, -1, 2));
        assertMessage("totalSteps", () -> new WarmupCosine(1, 10, 5));
        assertMessage("finalLr", () -> new WarmupCosine(1, 1, 5, -0.1));
        assertMessage("step", () -> new WarmupCosine(1, 1, 5).at(-1));
        assertMessage("base", () -> MomentumSchedule.cosine(1.5, 10));
        assertMessage("totalSteps", () -> MomentumSchedule.cosine(0.99, 0));
        assertMessage("lrScale", () -> ParamGroup.of(param(1.0)).lrScale(-2));
    }
}
